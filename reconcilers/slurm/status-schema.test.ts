// Every status the reconciler returns must pass the SlurmPartition CRD's own validation (the
// validator the embedded control plane runs), or the /status write would be rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../crds/admission-for-tests.ts';
import { createSlurmPartitionReconciler } from './reconciler.ts';
import { lab, partition, piNode } from './cluster-fixture.test-support.ts';
import type { SlurmPartition, SlurmPartitionStatus } from './types.ts';

function causes(obj: SlurmPartition, status: SlurmPartitionStatus): string[] {
  return admit('SlurmPartition', { ...obj, status }).causes.map((c) => `${c.field}: ${c.message}`);
}

void test('converging, ready, drained, failed, paused and stalled statuses pass the CRD schema', async () => {
  const reconciler = createSlurmPartitionReconciler();
  const l = lab();
  const p = partition('batch');
  l.view.put(p);
  const statuses: SlurmPartitionStatus[] = [];
  const run = async () => {
    const r = await reconciler.reconcile(p, l.ctx);
    p.status = r.status;
    l.view.put(p);
    statuses.push(r.status);
  };
  await run();
  await run();
  l.fleet.slurm.set('pi1', { base: 'IDLE', flags: ['DRAIN'], reason: 'fan broken, see ticket 42' });
  await run();
  l.fleet.failCommand = /replace_file/;
  p.spec.maxTime = '30';
  await run();
  l.fleet.failCommand = undefined;
  const paused = piNode('pi2', '10.0.0.12', { slurm: 'compute' });
  paused.spec.paused = true;
  l.view.put(paused);
  await run();
  l.view.put(partition('other', { controller: 'pi3' }));
  await run();
  const reasons = statuses.map((s) => s.conditions?.find((c) => c.type === 'Ready')?.reason);
  assert.deepEqual(reasons, ['Converging', 'SlurmReady', 'NodesNotReady', 'StepFailed', 'NodesPaused', 'InvalidCluster']);
  for (const s of statuses) assert.deepEqual(causes(p, s), []);
});
