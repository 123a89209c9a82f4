// SlurmPartition end to end: the sample partition applied with the real kubectl, the operator as
// `bramble run` composes it, and five simulated Pis running Debian's real slurmctld, slurmd and
// munge. Jobs are submitted with the real srun/sbatch on the controller.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { condition, E2eEnvironment } from './environment.ts';
import { waitFor } from './wait.ts';

const resyncMs = 10_000;
let env: E2eEnvironment;

/** pi0 runs slurmctld; pi1–pi3 are compute nodes; pi4 starts outside the selector. */
function labelsOf(node: string): Record<string, string> {
  const role = node === 'pi0' ? 'controller' : node === 'pi4' ? 'spare' : 'compute';
  return { 'bramble.dev/cluster': 'seed', 'bramble.dev/role': role };
}

async function partitionReady(): Promise<boolean> {
  return condition(await env.get('slurmpartition', 'batch'), 'Ready')?.status === 'True';
}

async function slurmNode(node: string): Promise<string> {
  return env.onNode('pi0', `scontrol show node -o ${node}`);
}

/** Waits until every host has been observed by the Slurm reconciler since `mark`, twice. */
async function twoSlurmPasses(mark: number): Promise<void> {
  await waitFor('two Slurm reconciles', resyncMs * 6, async () => {
    const observes = env.counter.since(mark).filter((c) => c.kind === 'observe' && c.done && c.host === env.fleet.nodes[0]?.address);
    // pi0 is observed by its PiNode and by the partition: four observes are two passes of each.
    return observes.length >= 4;
  });
}

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2eslurm', nodes: 5, subnet: '10.213.41.0/24', resyncMs });
  await env.kubectl(
    ['apply', '-f', '-'],
    env.piNodeYaml((n) => ({ labels: labelsOf(n) })),
  );
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=180s']);
  await env.kubectl(['apply', '-f', join(REPO_ROOT, 'manifests/samples/slurmpartition.yaml')]);
});

after(async () => {
  await env?.close();
});

test('the sample partition converges to a working cluster with a generated munge key', async () => {
  await waitFor('SlurmPartition batch Ready', 300_000, partitionReady, 1000);
  const secret = JSON.parse(await env.kubectl(['get', 'secret', 'seed-munge-key', '-o', 'json'])) as { data: Record<string, string> };
  const key = Buffer.from(secret.data['munge.key'] ?? '', 'base64');
  assert.ok(key.length >= 32, 'bramble created the munge key Secret');
  assert.ok(
    (await env.events()).some((e) => e.reason === 'MungeKeyCreated'),
    'and said so in an Event',
  );
  for (const n of ['pi0', 'pi1', 'pi2', 'pi3']) {
    assert.equal(await env.onNode(n, 'stat -c "%U %a" /etc/munge/munge.key'), 'munge 400');
    assert.equal(await env.onNode(n, 'base64 -w0 /etc/munge/munge.key'), key.toString('base64'), `${n} has the cluster's key`);
  }
  const confs = new Set(
    await Promise.all(['pi0', 'pi1', 'pi2', 'pi3'].map((n) => env.onNode(n, 'sha256sum /etc/slurm/slurm.conf | cut -d" " -f1'))),
  );
  assert.equal(confs.size, 1, 'slurm.conf is identical on every node');
  const status = (await env.get('slurmpartition', 'batch')).status as { configHash?: string; nodeCounts?: { total: number; idle: number } };
  assert.equal(status.configHash, [...confs][0], 'its hash is in status');
  assert.equal(status.nodeCounts?.total, 3);
  assert.equal(await env.onNode('pi0', 'systemctl is-active slurmctld'), 'active');
  assert.equal(await env.onNode('pi4', 'systemctl is-active slurmd || true'), 'inactive', 'a Pi outside the selector runs no slurmd');
});

test('srun runs on three nodes and an sbatch job writes its output and completes', async () => {
  const out = await env.onNode('pi0', 'timeout 90 srun -N3 hostname', 100_000);
  assert.deepEqual(out.split('\n').sort(), ['pi1', 'pi2', 'pi3']);
  const job = await env.onNode(
    'pi0',
    "timeout 90 sbatch --parsable --wait -N1 -w pi2 -o /tmp/bramble-job.out --wrap 'echo job ran on $(hostname)'",
    100_000,
  );
  assert.match(job, /^\d+$/);
  assert.equal(await env.onNode('pi2', 'cat /tmp/bramble-job.out'), 'job ran on pi2');
});

test('a second reconcile of a converged cluster changes nothing', async () => {
  const mark = env.counter.calls.length;
  await twoSlurmPasses(mark);
  const changes = env.counter.since(mark).filter((c) => c.kind !== 'observe');
  assert.deepEqual(changes, [], 'only observes: no mutating command');
  assert.ok(await partitionReady());
});

test('a node an admin drained stays drained across reconciles, and status says so', async () => {
  await env.onNode('pi0', "scontrol update nodename=pi1 state=drain reason='fan broken'");
  const mark = env.counter.calls.length;
  await twoSlurmPasses(mark);
  assert.match(await slurmNode('pi1'), /State=\S*DRAIN/);
  assert.match(await slurmNode('pi1'), /Reason=fan broken/);
  const batch = await env.get('slurmpartition', 'batch');
  const nodes = (batch.status as { nodes?: { name: string; state: string; reason?: string }[] }).nodes ?? [];
  assert.match(nodes.find((n) => n.name === 'pi1')?.state ?? '', /DRAIN/);
  assert.equal(condition(batch, 'Ready')?.status, 'False');
  assert.match(condition(batch, 'Ready')?.message ?? '', /pi1/);
  await env.onNode('pi0', 'scontrol update nodename=pi1 state=resume');
  await waitFor('batch Ready again after the admin resumed pi1', resyncMs * 6, partitionReady, 1000);
});

test('a fourth node labelled into the selector joins and runs a job', async () => {
  await env.kubectl(['label', 'pinode', 'pi4', 'bramble.dev/role=compute', '--overwrite']);
  await waitFor('pi4 registered', 180_000, async () => /State=IDLE/.test(await slurmNode('pi4').catch(() => '')), 1000);
  await waitFor(
    'batch Ready with four nodes',
    120_000,
    async () => {
      const batch = await env.get('slurmpartition', 'batch');
      return condition(batch, 'Ready')?.status === 'True' && (batch.status as { nodeCounts?: { total: number } }).nodeCounts?.total === 4;
    },
    1000,
  );
  assert.equal(await env.onNode('pi0', 'timeout 90 srun -N1 -w pi4 hostname', 100_000), 'pi4');
});

test('a node labelled out while a job runs is drained, the job finishes, then it leaves', async () => {
  const job = await env.onNode('pi0', "sbatch --parsable -N1 -w pi3 -o /tmp/long-job.out --wrap 'sleep 25; echo finished'");
  await waitFor('the job runs on pi3', 30_000, async () => (await env.onNode('pi0', `squeue -h -j ${job} -o %T`)) === 'RUNNING');
  await env.kubectl(['label', 'pinode', 'pi3', 'bramble.dev/role=spare', '--overwrite']);
  await waitFor('pi3 drained by bramble', 60_000, async () => /State=\S*DRAIN/.test(await slurmNode('pi3')), 1000);
  assert.match(await slurmNode('pi3'), /Reason=bramble/);
  assert.equal(await env.onNode('pi0', `squeue -h -j ${job} -o %T`), 'RUNNING', 'draining never kills the running job');
  await waitFor(
    'pi3 removed from the cluster',
    180_000,
    async () => {
      const r = await env.fleet.exec('pi0', 'scontrol show node -o pi3');
      return r.code !== 0 || /not found/i.test(r.stdout + r.stderr);
    },
    2000,
  );
  assert.equal(await env.onNode('pi3', 'cat /tmp/long-job.out'), 'finished', 'the job ran to its end');
  assert.ok(!readFileSync(join(env.fleet.rootDir('pi0'), 'etc/slurm/slurm.conf'), 'utf8').includes('NodeName=pi3'));
  await waitFor(
    'batch Ready with three nodes',
    120_000,
    async () => {
      const batch = await env.get('slurmpartition', 'batch');
      return condition(batch, 'Ready')?.status === 'True' && (batch.status as { nodeCounts?: { total: number } }).nodeCounts?.total === 3;
    },
    1000,
  );
});

test('deleting the last partition stops the daemons and keeps packages, keys and state', async () => {
  const started = Date.now();
  await env.kubectl(['delete', 'slurmpartition', 'batch', '--wait=false']);
  await waitFor(
    'the partition gone once its cleanup was done',
    240_000,
    async () => (await env.cp.kubectl(['get', 'slurmpartition', 'batch'])).code !== 0,
    1000,
  );
  process.stdout.write(`# figure: deleting the last partition took ${Date.now() - started} ms\n`);
  assert.equal(await env.onNode('pi0', 'systemctl is-active slurmctld || true'), 'inactive');
  for (const n of ['pi1', 'pi2', 'pi4']) assert.equal(await env.onNode(n, 'systemctl is-active slurmd || true'), 'inactive', n);
  assert.match(await env.onNode('pi0', "dpkg-query -W -f '${Status}' slurmctld"), /install ok installed/);
  assert.equal(await env.onNode('pi0', 'test -d /var/lib/slurm/slurmctld && echo kept'), 'kept', 'slurmctld state is kept');
  assert.equal(await env.onNode('pi1', 'test -s /etc/munge/munge.key && echo kept'), 'kept');
  const secret = await env.cp.kubectl(['get', 'secret', 'seed-munge-key']);
  assert.equal(secret.code, 0, 'the munge key Secret outlives the partition');
});
