// Conformance: the real kubectl against the embedded control plane, with the real CRDs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, REPO_ROOT, startTestControlPlane, type TestControlPlane } from './harness.ts';

let t: TestControlPlane;
const CRDS = join(REPO_ROOT, 'crds');
const SAMPLE = join(FIXTURES, 'pinode-sample.yaml');

before(async () => {
  t = await startTestControlPlane();
  const applied = await t.kubectl(['apply', '-f', CRDS]);
  assert.equal(applied.code, 0, applied.stderr);
});

after(async () => {
  await t?.close();
});

async function ok(args: string[], stdin?: string): Promise<string> {
  const r = await t.kubectl(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

void test('the CRDs are established and their kinds are served under the bramble category', async () => {
  const crds = await ok([
    'get',
    'crd',
    '-o',
    'jsonpath={range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Established")].status}{"\\n"}{end}',
  ]);
  assert.match(crds, /pinodes\.bramble\.dev=True/);
  const resources = await ok(['api-resources', '--categories', 'bramble', '-o', 'name']);
  assert.match(resources, /pinodes\.bramble\.dev/);
});

void test('the samples apply cleanly, and applying them again changes nothing', async (ctx) => {
  const dir = join(REPO_ROOT, 'manifests', 'samples');
  if (!existsSync(dir) || !readdirSync(dir).some((f) => f.endsWith('.yaml'))) {
    ctx.skip('manifests/samples has no YAML yet');
    return;
  }
  const how = existsSync(join(dir, 'kustomization.yaml')) ? '-k' : '-f';
  await ok(['create', 'namespace', 'samples']);
  const first = await ok(['-n', 'samples', 'apply', how, dir]);
  assert.match(first, /created/);
  const versions = () =>
    ok([
      '-n',
      'samples',
      'get',
      'secrets,pinodes,slurmpartitions,glustervolumes,miniopools',
      '-o',
      'jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}',
    ]);
  const before = await versions();
  const second = await ok(['-n', 'samples', 'apply', how, dir]);
  assert.doesNotMatch(second, /created/);
  // kubectl re-sends Secret stringData every time (it is write-only); the server must still
  // store nothing new, so no resourceVersion moves.
  assert.equal(await versions(), before);
});

void test('kubectl get prints the CRD printer columns, -o yaml shows defaults, a second apply is a no-op', async () => {
  assert.match(await ok(['apply', '-f', SAMPLE]), /pinode.bramble.dev\/pi1 created/);
  const table = await ok(['get', 'pinodes']);
  const header = table.split('\n')[0]!;
  assert.match(header, /^NAME\s+ADDRESS\s+MODEL\s+TEMP\s+READY\s+AGE\s*$/);
  assert.match(table, /pi1\s+10\.0\.0\.11/);
  const wide = await ok(['get', 'pi', '-o', 'wide']);
  assert.match(wide.split('\n')[0]!, /HOSTNAME\s+ARCH/);

  const yaml = await ok(['get', 'pinode', 'pi1', '-o', 'yaml']);
  assert.match(yaml, /port: 22/, 'schema default applied');
  assert.match(yaml, /generation: 1/);
  const rv = (await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();

  assert.match(await ok(['apply', '-f', SAMPLE]), /pi1 unchanged/);
  assert.equal((await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim(), rv);
});

void test('status patch then kubectl wait --for=condition=Ready; status never bumps generation', async () => {
  await ok(['apply', '-f', SAMPLE]);
  const status = {
    status: {
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'Configured',
          message: 'all good',
          lastTransitionTime: '2026-01-01T00:00:00Z',
          observedGeneration: 1,
        },
      ],
    },
  };
  await ok(['patch', 'pinode', 'pi1', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  assert.match(await ok(['wait', '--for=condition=Ready', 'pinode/pi1', '--timeout=20s']), /condition met/);
  assert.equal((await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.generation}'])).trim(), '1');
  assert.match(await ok(['get', 'pinodes']), /pi1\s+10\.0\.0\.11\s+True/);

  // Status written through the main resource is ignored.
  await ok(['patch', 'pinode', 'pi1', '--type=merge', '-p', '{"status":{"conditions":[]}}']);
  assert.equal((await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.status.conditions[0].status}'])).trim(), 'True');

  await ok(['patch', 'pinode', 'pi1', '--type=merge', '-p', '{"spec":{"hostname":"pi-one"}}']);
  assert.equal((await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.generation}'])).trim(), '2');
  await ok(['label', 'pinode', 'pi1', 'zone=attic']);
  assert.equal((await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.generation}'])).trim(), '2');
});

void test('an update with a stale resourceVersion gets 409 Conflict', async () => {
  await ok(['apply', '-f', SAMPLE]);
  const stale = await ok(['get', 'pinode', 'pi1', '-o', 'json']);
  await ok(['annotate', 'pinode', 'pi1', `touched=${Date.now()}`, '--overwrite']);
  const r = await t.kubectl(['replace', '-f', '-'], stale);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /Conflict/);
  assert.match(r.stderr, /the object has been modified/);
});

void test('an invalid object gets 422 naming the field', async () => {
  const r = await t.kubectl(['apply', '-f', join(FIXTURES, 'pinode-invalid.yaml')]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /is invalid/);
  assert.match(r.stderr, /spec\.port: Invalid value: 70000/);
  const gone = await t.kubectl(['get', 'pinode', 'pi-bad']);
  assert.match(gone.stderr, /NotFound|not found/);
});

void test('unknown fields are refused under kubectl strict validation', async () => {
  const doc = `apiVersion: bramble.dev/v1alpha1
kind: PiNode
metadata: {name: pi-extra}
spec: {address: 10.0.0.13, colour: red, ssh: {hostKeyPolicy: TrustOnFirstUse, privateKeySecretRef: {name: k}}}
`;
  const r = await t.kubectl(['apply', '-f', '-'], doc);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /unknown field "spec\.colour"/);
  await ok(['apply', '--validate=false', '-f', '-'], doc);
  const stored = await ok(['get', 'pinode', 'pi-extra', '-o', 'json']);
  assert.equal((JSON.parse(stored) as { spec: Record<string, unknown> }).spec.colour, undefined, 'pruned');
});

void test('delete waits on a finalizer until it is removed', async () => {
  await ok(['apply', '-f', SAMPLE]);
  await ok(['patch', 'pinode', 'pi1', '--type=merge', '-p', '{"metadata":{"finalizers":["bramble.dev/cleanup"]}}']);
  await ok(['delete', 'pinode', 'pi1', '--wait=false']);
  const ts = await ok(['get', 'pinode', 'pi1', '-o', 'jsonpath={.metadata.deletionTimestamp}']);
  assert.match(ts, /^\d{4}-\d\d-\d\dT/);
  await ok(['patch', 'pinode', 'pi1', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
  const r = await t.kubectl(['get', 'pinode', 'pi1']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /pinodes.bramble.dev "pi1" not found/);
});

void test('kubectl create secret/configmap (protobuf bodies), label selectors and namespace cascade', async () => {
  await ok(['create', 'namespace', 'lab']);
  await ok(['-n', 'lab', 'create', 'secret', 'generic', 'pi-ssh', '--type=kubernetes.io/ssh-auth', '--from-literal=ssh-privatekey=KEY']);
  assert.equal(
    (await ok(['-n', 'lab', 'get', 'secret', 'pi-ssh', '-o', 'jsonpath={.data.ssh-privatekey}'])).trim(),
    Buffer.from('KEY').toString('base64'),
  );
  await ok(['-n', 'lab', 'create', 'configmap', 'one', '--from-literal=a=1']);
  await ok(['-n', 'lab', 'label', 'configmap', 'one', 'tier=x']);
  await ok(['-n', 'lab', 'create', 'configmap', 'two', '--from-literal=a=2']);
  assert.deepEqual((await ok(['-n', 'lab', 'get', 'cm', '-l', 'tier=x', '-o', 'name'])).trim().split('\n'), ['configmap/one']);
  assert.deepEqual((await ok(['-n', 'lab', 'get', 'cm', '-l', '!tier', '-o', 'name'])).trim().split('\n'), ['configmap/two']);
  await ok(['-n', 'lab', 'apply', '-f', SAMPLE]);

  await ok(['delete', 'namespace', 'lab', '--timeout=30s']);
  const ns = await t.kubectl(['get', 'namespace', 'lab']);
  assert.match(ns.stderr, /not found/);
  const leftovers = await ok(['get', 'pinodes,secrets,configmaps', '-n', 'lab', '-o', 'name']);
  assert.equal(leftovers.trim(), '');
});

void test('kubectl apply on a built-in kind patches quietly and keeps what it does not own', async () => {
  const doc = (value: string) => `apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "${value}"}
`;
  await ok(['apply', '-f', '-'], doc('1'));
  await ok(['label', 'configmap', 'settings', 'owner=someone-else']);
  const r = await t.kubectl(['apply', '-f', '-'], doc('2'));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /configmap\/settings configured/);
  assert.equal(r.stderr, '');
  const live = JSON.parse(await ok(['get', 'configmap', 'settings', '-o', 'json'])) as { data: unknown; metadata: { labels: unknown } };
  assert.deepEqual(live.data, { a: '2' });
  assert.deepEqual(live.metadata.labels, { owner: 'someone-else' });
});

void test('kubectl auth can-i answers yes for what the server serves and no, with the reason, for what it does not; auth whoami names the admin', async () => {
  for (const args of [
    ['create', 'pinodes'],
    ['delete', 'secrets', '-n', 'kube-system'],
    ['patch', 'pinodes', '--subresource=status'],
    ['get', '/version'],
    ['*', '*'],
  ]) {
    assert.equal((await ok(['auth', 'can-i', ...args])).trim(), 'yes', args.join(' '));
  }
  for (const [args, reason] of [
    [['create', 'pods'], /^no - the bramble control plane does not serve "pods" in group ""$/],
    [['delete', 'pinodes', '--subresource=status'], /^no - "pinodes\/status" in group "bramble.dev" does not support the verb "delete"/],
    [['impersonate', 'users'], /^no - the bramble control plane does not serve "users"/],
    [['get', '/logs'], /^no - the bramble control plane does not serve \/logs$/],
  ] as const) {
    const r = await t.kubectl(['auth', 'can-i', ...args]);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.stdout.trim(), reason);
  }
  const list = await ok(['auth', 'can-i', '--list']);
  assert.match(list, /pinodes\.bramble\.dev\s+\[\]\s+\[\]\s+\[create delete deletecollection get list patch update watch\]/);
  const whoami = await ok(['auth', 'whoami']);
  assert.match(whoami, /Username\s+bramble-admin/);
  assert.match(whoami, /Groups\s+\[system:masters system:authenticated\]/);
});

void test('a kind: List from get -o yaml applies back (kubectl validates it against /openapi/v2); an unserved kind gets "no matches for kind"', async () => {
  await ok(['create', 'namespace', 'listing']);
  await ok(['-n', 'listing', 'apply', '-f', SAMPLE]);
  const backup = await ok(['-n', 'listing', 'get', 'pinodes', '-o', 'yaml']);
  assert.match(backup, /^kind: List$/m);
  await ok(['-n', 'listing', 'delete', 'pinodes', '--all']);
  const restored = await ok(['-n', 'listing', 'apply', '-f', '-'], backup);
  assert.match(restored, /pinode\.bramble\.dev\/pi1 created/);
  const unserved = await t.kubectl(['apply', '-f', '-'], 'apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: g}\n');
  assert.notEqual(unserved.code, 0);
  assert.match(unserved.stderr, /no matches for kind "Gadget" in version "example\.com\/v1"/);
  // A List item with a field its schema does not have is caught by the same validation.
  const bad = backup.replace(/^( *)address: 10\.0\.0\.11$/m, '$1address: 10.0.0.11\n$1colour: red');
  const refused = await t.kubectl(['-n', 'listing', 'apply', '-f', '-'], bad);
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /error validating data: .*unknown field "colour" in dev\.bramble\.v1alpha1\.PiNode\.spec/);
  await ok(['delete', 'namespace', 'listing', '--timeout=30s']);
});

void test('kubectl explain reads field descriptions: built-in and custom kinds, OpenAPI v3 and the v2 fallback', async () => {
  const cm = await ok(['explain', 'configmap']);
  assert.match(cm, /KIND:\s+ConfigMap/);
  assert.match(cm, /data\s+<map\[string\]string>\n\s+Data contains the configuration data/);
  assert.match(await ok(['explain', 'secret.metadata.labels']), /FIELD: labels <map\[string\]string>/);
  const v2 = await ok(['explain', 'pinode.spec', '--output=plaintext-openapiv2']);
  assert.match(v2, /address\s+<string> -required-\n\s+IPv4 address/);
  assert.match(await ok(['explain', 'lease.spec', '--output=plaintext-openapiv2']), /holderIdentity\s+<string>/);
});

void test('deleting a CRD stops serving its resources', async () => {
  await ok(['apply', '-f', SAMPLE]);
  await ok(['delete', 'crd', 'pinodes.bramble.dev']);
  const r = await t.kubectl(['get', 'pinodes']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /the server doesn't have a resource type "pinodes"|could not find the requested resource/);
  await ok(['apply', '-f', join(CRDS, 'bramble.dev_pinodes.yaml')]);
  assert.match((await t.kubectl(['get', 'pinodes'])).stderr, /No resources found/);
});
