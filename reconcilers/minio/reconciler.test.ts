// The reconciler against fake Pis behind the recording executor (the SSH edge): a fresh pool,
// idempotence, a credential rotation rolled node by node, a bad digest, deletion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCondition, isConditionTrue } from '../../crds/conditions.ts';
import { reconcile, reconciler, setup, sha } from './pool-harness.test-support.ts';

const hostsOf = (calls: { target: { host: string } }[]) => calls.map((c) => c.target.host);

void test('a fresh pool: stage everywhere, then one node at a time; then Ready with one observe per node', async () => {
  const s = setup();
  const first = await reconcile(s);
  assert.equal(findCondition(first.status.conditions, 'Ready')?.reason, 'RollingOut');
  const mutating = s.fleet.mutatingCalls();
  // 4 fetches, then per node in address order: env file, then its steps.
  assert.deepEqual(hostsOf(mutating.slice(4)), [
    '10.0.0.10',
    '10.0.0.10',
    '10.0.0.11',
    '10.0.0.11',
    '10.0.0.12',
    '10.0.0.12',
    '10.0.0.13',
    '10.0.0.13',
  ]);
  assert.ok(mutating.slice(0, 4).every((c) => c.options.stdin?.toString().includes('curl -fsSL')));
  for (const c of s.fleet.executor.calls) assert.ok(!c.command.includes('first-password'), 'the password is never in a command line');
  const envWrites = mutating.filter((c) => c.command.includes('bramble-write'));
  assert.equal(envWrites.length, 4);
  assert.ok(envWrites.every((c) => c.options.stdin?.toString().includes('MINIO_ROOT_PASSWORD="first-password"')));
  assert.ok(envWrites[0]?.options.stdin?.toString().includes('MINIO_VOLUMES="http://10.0.0.{10...13}:9000/srv/minio/disk1"'));
  assert.ok(!JSON.stringify(first).includes('first-password'));

  s.fleet.forgetCalls();
  const second = await reconcile(s);
  assert.deepEqual(s.fleet.mutatingCalls(), []);
  assert.equal(s.fleet.executor.calls.length, 4, 'one observe per node');
  assert.ok(isConditionTrue(second.status.conditions, 'Ready'), findCondition(second.status.conditions, 'Ready')?.message);
  assert.equal(second.status.endpoint, 'http://10.0.0.10:9000');
  assert.deepEqual(
    [second.status.nodesOnline, second.status.nodesTotal, second.status.drivesOnline, second.status.drivesTotal],
    [4, 4, 4, 4],
  );
  assert.equal(second.status.health, 'Healthy');
  assert.equal(second.status.installedSha256, sha);
});

void test('a node still booting holds the rollout back: nothing is fetched, written or restarted until it is up', async () => {
  const s = setup();
  const booting = s.fleet.nodes.get('10.0.0.12');
  assert.ok(booting);
  booting.bootState = 'starting 4.50';
  const r = await reconcile(s);
  assert.deepEqual(s.fleet.mutatingCalls(), []);
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'HostBooting');
  assert.match(ready?.message ?? '', /waiting for pi2 to finish booting/);
  assert.equal(r.requeueAfterMs, 5_000);
  assert.ok((r.status.pendingSteps ?? []).length > 0, 'what is waiting is in status');
  booting.bootState = 'running 30.00';
  await reconcile(s);
  assert.ok(s.fleet.mutatingCalls().length > 0, 'once it is up the rollout starts');
});

void test('a rotated password is written and restarted node by node, nothing else', async () => {
  const s = setup();
  await reconcile(s);
  await reconcile(s);
  s.view.secrets.set('minio-root', { data: { rootUser: Buffer.from('admin'), rootPassword: Buffer.from('rotated-password') } });
  s.fleet.forgetCalls();
  const r = await reconcile(s);
  const mutating = s.fleet.mutatingCalls();
  assert.deepEqual(hostsOf(mutating), [
    '10.0.0.10',
    '10.0.0.10',
    '10.0.0.11',
    '10.0.0.11',
    '10.0.0.12',
    '10.0.0.12',
    '10.0.0.13',
    '10.0.0.13',
  ]);
  const stepScripts = mutating.filter((c) => c.options.stdin?.toString().includes('run_step'));
  assert.ok(
    stepScripts.every(
      (c) =>
        (c.options.stdin?.toString().match(/run_step \d/g) ?? []).length === 1 && c.options.stdin?.toString().includes('systemctl restart'),
    ),
  );
  assert.match(r.events.find((e) => e.reason === 'MinioRestarted')?.message ?? '', /credentials.*\(pi0, pi1, pi2, pi3\)/);
  assert.ok(!JSON.stringify(r).includes('rotated-password'));
});

void test('a download whose digest is not the pinned one stalls the pool before any node changes', async () => {
  const s = setup();
  await reconcile(s);
  await reconcile(s);
  s.pool.spec.source = { url: 'http://mirror.lan/minio-next', sha256: 'd'.repeat(64) };
  s.fleet.forgetCalls();
  const r = await reconcile(s);
  assert.equal(findCondition(r.status.conditions, 'Stalled')?.reason, 'ChecksumMismatch');
  assert.equal(findCondition(r.status.conditions, 'Ready')?.status, 'False');
  assert.match(findCondition(r.status.conditions, 'Ready')?.message ?? '', /sha256 mismatch.*nothing was installed/);
  assert.ok(
    s.fleet.mutatingCalls().every((c) => c.options.stdin?.toString().includes('curl -fsSL')),
    'only the fetches ran',
  );
  assert.ok([...s.fleet.nodes.values()].every((n) => n.binarySha256 === sha));
});

void test('a missing Secret or an empty selection says so and sends nothing', async () => {
  const s = setup();
  s.view.secrets.delete('minio-root');
  const r = await reconcile(s);
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'CredentialsSecretMissing');
  assert.equal(s.fleet.executor.calls.length, 0);
  const t = setup(0);
  assert.equal(findCondition((await reconcile(t)).status.conditions, 'Ready')?.reason, 'NoNodesSelected');
});

void test('with no node observable (SSH key Secret gone) the pool says so and claims no node offline', async () => {
  const s = setup();
  await reconcile(s);
  s.view.secrets.delete('ssh');
  const r = await reconcile(s);
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'NodesNotObserved');
  assert.match(ready?.message ?? '', /Secret lab\/ssh not found/);
  assert.doesNotMatch(ready?.message ?? '', /offline/);
  assert.ok(r.events.some((e) => e.reason === 'NodesNotObserved'));
});

void test('deletion stops MinIO on every node and keeps the data under Retain; Delete removes it', async () => {
  const s = setup(2);
  await reconcile(s);
  const kept = await reconciler.finalize!(s.pool, s.ctx);
  assert.equal(kept.done, true);
  assert.ok([...s.fleet.nodes.values()].every((n) => !n.active && !n.enabled && n.drives.size === 1));
  assert.match(kept.events.at(-1)?.message ?? '', /data kept/);
  const d = setup(2);
  await reconcile(d);
  d.pool.spec.reclaimPolicy = 'Delete';
  const wiped = await reconciler.finalize!(d.pool, d.ctx);
  assert.equal(wiped.done, true);
  assert.ok([...d.fleet.nodes.values()].every((n) => n.drives.size === 0));
});

void test("a secret in a failing step's output reaches neither status nor Events: the root password is masked", async () => {
  const s = setup();
  await reconcile(s);
  await reconcile(s);
  s.view.secrets.set('minio-root', { data: { rootUser: Buffer.from('admin'), rootPassword: Buffer.from('rotated-secret-7') } });
  const pi0 = s.fleet.nodes.get('10.0.0.10');
  assert.ok(pi0);
  pi0.failingStepStderr = 'minio: credentials rotated-secret-7 were refused';
  const r = await reconcile(s);
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'StepFailed');
  assert.match(ready?.message ?? '', /on pi0 failed: .*credentials \*\*\* were refused/);
  assert.equal(JSON.stringify(r).includes('rotated-secret-7'), false, 'the password is nowhere in status or Events');
});
