// Helm 3 (the binary the setup takes from the npm package kubectl comes from) against a real
// `bramble controlplane`: a chart with a ConfigMap, a Secret and a PiNode installed, upgraded 12
// times with the default history (Helm then deletes old release Secrets — typed DeleteOptions,
// sent as protobuf), rolled back, uninstalled. The cases run in order on one control plane.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CLIENT_FIXTURES, startClientsControlPlane, type ClientsControlPlane } from './harness.ts';

let cp: ClientsControlPlane;
const CHART = join(CLIENT_FIXTURES, 'chart');

before(async () => {
  cp = await startClientsControlPlane();
});

after(async () => {
  await cp?.close();
});

async function helm(...args: string[]): Promise<string> {
  const r = await cp.helm(args);
  assert.equal(r.code, 0, `helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function kubectl(...args: string[]): Promise<string> {
  const r = await cp.kubectl(args);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const revisionInCluster = async () => (await kubectl('get', 'configmap', 'demo-settings', '-o', 'jsonpath={.data.revision}')).trim();
const releaseSecrets = async () =>
  (await kubectl('get', 'secrets', '-l', 'owner=helm,name=demo', '-o', 'name')).trim().split('\n').filter(Boolean);

void test('helm install creates the ConfigMap, the Secret and the PiNode', async () => {
  assert.match(await helm('install', 'demo', CHART), /STATUS: deployed/);
  assert.equal(await revisionInCluster(), '0');
  assert.equal((await kubectl('get', 'secret', 'demo-ssh', '-o', 'jsonpath={.type}')).trim(), 'kubernetes.io/ssh-auth');
  assert.equal((await kubectl('get', 'pinode', 'demo-pi', '-o', 'jsonpath={.spec.address}')).trim(), '10.0.0.50');
});

void test('helm upgrade 12 times with the default history keeps the last 10 revisions', async () => {
  for (let i = 1; i <= 12; i++) {
    assert.match(await helm('upgrade', 'demo', CHART, '--set', `revision=${i}`), /STATUS: deployed/, `upgrade ${i}`);
  }
  assert.equal(await revisionInCluster(), '12');
  assert.equal((await kubectl('get', 'pinode', 'demo-pi', '-o', 'jsonpath={.metadata.annotations.revision}')).trim(), '12');
  const history = await helm('history', 'demo', '-o', 'json');
  const revisions = (JSON.parse(history) as { revision: number }[]).map((h) => h.revision);
  assert.deepEqual(revisions, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 'the oldest release Secrets were deleted');
  assert.equal((await releaseSecrets()).length, 10);
});

void test("helm rollback restores the previous revision's objects", async () => {
  assert.match(await helm('rollback', 'demo', '12'), /Rollback was a success/);
  assert.equal(await revisionInCluster(), '11');
  const status = JSON.parse(await helm('status', 'demo', '-o', 'json')) as { version: number; info: { status: string } };
  assert.deepEqual([status.version, status.info.status], [14, 'deployed']);
});

void test('helm uninstall removes the release and its objects: helm list -a is empty', async () => {
  assert.match(await helm('uninstall', 'demo'), /release "demo" uninstalled/);
  assert.equal((await helm('list', '-a', '-q')).trim(), '');
  assert.deepEqual(await releaseSecrets(), []);
  for (const kind of ['configmap/demo-settings', 'secret/demo-ssh', 'pinode/demo-pi']) {
    const r = await cp.kubectl(['get', kind]);
    assert.match(r.stderr, /NotFound|not found/, `${kind} is gone`);
  }
});
