// SlurmPartition reconciler figures for `npm run bench` (the lead registers it in bench/run.ts),
// or alone: `npx tsx reconcilers/slurm/slurm.bench.ts`. Reports, never fails on speed.
//  - SSH execs per scenario (fresh cluster, no-change resync, partition-only change, node joins),
//    counted through the recording executor with fake Pis;
//  - render + plan cost for a 256-node cluster (the status list's limit).
import { createSlurmPartitionReconciler } from './reconciler.ts';
import { lab, partition, piNode } from './cluster-fixture.test-support.ts';
import { freshHost } from './fake-slurm-host.test-support.ts';
import { buildCluster } from './cluster.ts';
import { renderSlurmConf } from './slurm-conf.ts';
import { planCluster } from './plan.ts';
import type { HostObservation } from './parse-observed.ts';

const reconciler = createSlurmPartitionReconciler();

async function execs(nodes: number): Promise<Record<string, number>> {
  const l = lab(nodes);
  const p = partition('batch');
  l.view.put(p);
  const round = async () => {
    l.fleet.forgetCalls();
    const r = await reconciler.reconcile(p, l.ctx);
    p.status = r.status;
    return l.fleet.executor.calls.length;
  };
  const out: Record<string, number> = {};
  out['fresh cluster, first reconcile'] = await round();
  await round();
  out['no-change resync'] = await round();
  p.spec.maxTime = '60';
  out['partition-only change'] = await round();
  const extra = freshHost('pi99', '10.0.1.99');
  l.fleet.hosts.set(extra.address, extra);
  l.view.put(piNode('pi99', '10.0.1.99', { slurm: 'compute' }));
  out['one node joins'] = await round();
  return out;
}

function planCost(nodes: number): number {
  const pis = Array.from({ length: nodes }, (_, i) =>
    piNode(`pi${i + 1}`, `10.1.${Math.floor(i / 250)}.${(i % 250) + 1}`, { slurm: 'compute' }),
  );
  const fresh: HostObservation = { cgroup: 'v2', installed: new Set(), files: new Map(), services: new Map(), hostname: 'x' };
  const observed = new Map(['pi0', ...pis.map((p) => p.metadata.name)].map((n) => [n, fresh] as const));
  const rounds = 20;
  const start = performance.now();
  for (let i = 0; i < rounds; i++) {
    const model = buildCluster({
      clusterName: 'bramble',
      partitions: [partition('batch')],
      retiring: new Set(),
      selected: new Map([['batch', pis]]),
      controller: { name: 'pi0', hostname: 'pi0', address: '10.0.0.10' },
      deployedNodes: [],
    });
    planCluster({
      model,
      confText: renderSlurmConf(model.config),
      mungeKeySha256: 'a'.repeat(64),
      observed,
      mark: { cluster: 'lab/bramble', uid: 'u1' },
    });
  }
  return (performance.now() - start) / rounds;
}

for (const nodes of [3, 16]) {
  const counts = await execs(nodes);
  for (const [scenario, n] of Object.entries(counts)) console.log(`slurm ${nodes + 1} hosts, ${scenario}: ${n} SSH execs`);
}
console.log(`slurm render+plan, 256 nodes, fresh cluster: ${planCost(256).toFixed(1)} ms`);
