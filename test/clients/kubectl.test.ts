// kubectl 1.32 against a real `bramble controlplane`, as people use it beyond the common verbs:
// a backup of every bramble kind (`get -o yaml`, a kind: List) restored with `apply -f`,
// `auth can-i` and `auth whoami`, server-side apply (create, a re-apply that changes nothing,
// two field managers in conflict, --force-conflicts, a field dropped from the file, the move
// from client-side apply), and `explain` on a built-in kind. One control plane for the file.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { startClientsControlPlane, type ClientsControlPlane } from './harness.ts';

let cp: ClientsControlPlane;

before(async () => {
  cp = await startClientsControlPlane();
});

after(async () => {
  await cp?.close();
});

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await cp.kubectl(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const KINDS = 'pinodes,slurmpartitions,glustervolumes,miniopools';
const specs = async (ns: string) =>
  JSON.parse(await ok(['-n', ns, 'get', KINDS, '-o', 'json'])) as { items: { kind: string; metadata: { name: string }; spec: unknown }[] };

void test('get -o yaml of every bramble kind, delete, then apply -f of that List restores them', async () => {
  await ok(['create', 'namespace', 'backup']);
  await ok(['-n', 'backup', 'apply', '-k', join(REPO_ROOT, 'manifests', 'samples')]);
  const before = await specs('backup');
  assert.deepEqual([...new Set(before.items.map((i) => i.kind))].sort(), ['GlusterVolume', 'MinioPool', 'PiNode', 'SlurmPartition']);
  const backup = await ok(['-n', 'backup', 'get', KINDS, '-o', 'yaml']);
  assert.match(backup, /^kind: List$/m);
  await ok(['-n', 'backup', 'delete', KINDS, '--all']);
  assert.equal((await specs('backup')).items.length, 0);
  const restored = await ok(['-n', 'backup', 'apply', '-f', '-'], backup);
  assert.equal(
    restored
      .trim()
      .split('\n')
      .filter((l) => / created$/.test(l)).length,
    before.items.length,
    restored,
  );
  const after = await specs('backup');
  assert.deepEqual(
    after.items.map((i) => [i.kind, i.metadata.name, i.spec]),
    before.items.map((i) => [i.kind, i.metadata.name, i.spec]),
  );
});

void test('auth can-i answers yes and no; auth whoami names the user', async () => {
  assert.equal((await ok(['auth', 'can-i', 'create', 'pinodes'])).trim(), 'yes');
  assert.equal((await ok(['auth', 'can-i', 'patch', 'pinodes', '--subresource=status'])).trim(), 'yes');
  const no = await cp.kubectl(['auth', 'can-i', 'create', 'deployments.apps']);
  assert.equal(no.code, 1);
  assert.match(no.stdout, /^no - the bramble control plane does not serve "deployments\.apps"/m);
  assert.match(await ok(['auth', 'whoami']), /Username\s+bramble-admin/);
});

const pinode = (fields: string) => `apiVersion: bramble.dev/v1alpha1
kind: PiNode
metadata: {name: ssa, namespace: default}
spec:
  ssh: {hostKeyPolicy: TrustOnFirstUse, privateKeySecretRef: {name: key}}
${fields}`;
const live = async (name = 'ssa') =>
  JSON.parse(await ok(['get', 'pinode', name, '-o', 'json', '--show-managed-fields'])) as {
    spec: Record<string, unknown>;
    metadata: { resourceVersion: string; managedFields: { manager: string; operation: string }[]; annotations?: Record<string, string> };
  };

void test('apply --server-side: create, a re-apply that changes nothing, a conflict between two field managers, --force-conflicts, a dropped field removed', async () => {
  const file = pinode('  address: 10.0.0.80\n  timezone: UTC\n  packages: [htop]\n');
  assert.match(await ok(['apply', '--server-side', '-f', '-'], file), /pinode\.bramble\.dev\/ssa serverside-applied/);
  const first = await live();
  assert.deepEqual(
    first.metadata.managedFields.map((m) => [m.manager, m.operation]),
    [['kubectl', 'Apply']],
  );

  await ok(['apply', '--server-side', '-f', '-'], file);
  assert.equal((await live()).metadata.resourceVersion, first.metadata.resourceVersion, 're-applying the same file writes nothing');

  const other = await cp.kubectl(['apply', '--server-side', '--field-manager', 'pi-admin', '-f', '-'], pinode('  address: 10.0.0.81\n'));
  assert.equal(other.code, 1);
  assert.match(other.stderr, /Apply failed with 1 conflict: conflict with "kubectl": \.spec\.address/);
  assert.equal((await live()).spec.address, '10.0.0.80', 'nothing was changed');

  await ok(['apply', '--server-side', '--field-manager', 'pi-admin', '--force-conflicts', '-f', '-'], pinode('  address: 10.0.0.81\n'));
  const forced = await live();
  assert.equal(forced.spec.address, '10.0.0.81');
  const back = await cp.kubectl(['apply', '--server-side', '-f', '-'], file);
  assert.match(back.stderr, /conflict with "pi-admin": \.spec\.address/, 'now the first manager is the one in conflict');

  // kubectl's file without timezone (and with the address pi-admin owns now): timezone is removed, packages stay.
  await ok(['apply', '--server-side', '-f', '-'], pinode('  address: 10.0.0.81\n  packages: [htop]\n'));
  const dropped = await live();
  assert.equal(dropped.spec.timezone, undefined, 'a field dropped from the applied file is removed');
  assert.deepEqual(dropped.spec.packages, ['htop']);
  assert.equal(dropped.spec.address, '10.0.0.81', 'a field another manager still applies stays');
});

void test('from client-side to server-side apply: kubectl migrates the ownership, the annotation follows, later drops remove fields', async () => {
  const file = (fields: string) => pinode(fields).replace('name: ssa', 'name: migrated');
  await ok(['apply', '-f', '-'], file('  address: 10.0.0.90\n  timezone: UTC\n'));
  assert.deepEqual(
    (await live('migrated')).metadata.managedFields.map((m) => [m.manager, m.operation]),
    [['kubectl-client-side-apply', 'Update']],
  );
  // A changed value in the same file: no conflict with the client-side manager (the annotation still holds its values).
  await ok(['apply', '--server-side', '-f', '-'], file('  address: 10.0.0.91\n  timezone: UTC\n'));
  const moved = await live('migrated');
  assert.equal(moved.spec.address, '10.0.0.91');
  assert.ok(!moved.metadata.managedFields.some((m) => m.manager === 'kubectl-client-side-apply'), 'the client-side manager was migrated');
  assert.match(moved.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!, /"address":"10\.0\.0\.91"/);
  await ok(['apply', '--server-side', '-f', '-'], file('  address: 10.0.0.91\n'));
  assert.equal((await live('migrated')).spec.timezone, undefined);
});

void test("explain describes a built-in kind's fields", async () => {
  const out = await ok(['explain', 'secret']);
  assert.match(out, /KIND:\s+Secret/);
  assert.match(out, /stringData\s+<map\[string\]string>/);
  assert.match(await ok(['explain', 'configmap.metadata.finalizers']), /FIELD: finalizers <\[\]string>/);
});
