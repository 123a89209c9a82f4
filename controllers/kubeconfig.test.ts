// The kubeconfig loader on kubeconfig texts shaped as k3s, kubeadm, EKS and GKE write them, and
// on the in-cluster service account layout: which server, CA, credentials and namespace it picks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { inClusterKubeConfig, kubeConfigFromString, loadKubeConfig } from './kubeconfig.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

// /etc/rancher/k3s/k3s.yaml: inline CA, client certificate and key.
const k3s = `apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: ${b64('K3S CA PEM')}
    server: https://127.0.0.1:6443
  name: default
contexts:
- context:
    cluster: default
    user: default
  name: default
current-context: default
kind: Config
preferences: {}
users:
- name: default
  user:
    client-certificate-data: ${b64('K3S CLIENT CERT')}
    client-key-data: ${b64('K3S CLIENT KEY')}
`;

function tempDir(): { dir: string; [Symbol.dispose](): void } {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-kubeconfig-'));
  return { dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

void test('a k3s kubeconfig: server, CA and client certificate from inline data', async () => {
  const kc = kubeConfigFromString(k3s);
  assert.equal(kc.server, 'https://127.0.0.1:6443');
  assert.equal(kc.namespace, undefined);
  const c = await kc.credentials();
  assert.equal(c.ca?.toString(), 'K3S CA PEM');
  assert.equal(c.cert?.toString(), 'K3S CLIENT CERT');
  assert.equal(c.key?.toString(), 'K3S CLIENT KEY');
  assert.equal(c.token, undefined);
  assert.equal(c.insecureSkipTlsVerify, false);
});

void test('files named relative to the kubeconfig are read from its folder; a token file is re-read on each call and beats the inline token', async () => {
  using t = tempDir();
  mkdirSync(join(t.dir, 'pki'));
  writeFileSync(join(t.dir, 'pki', 'ca.crt'), 'FILE CA');
  writeFileSync(join(t.dir, 'pki', 'client.crt'), 'FILE CERT');
  writeFileSync(join(t.dir, 'pki', 'client.key'), 'FILE KEY');
  writeFileSync(join(t.dir, 'token'), 'first\n');
  const text = `apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: https://pi-master.local:6443
    certificate-authority: pki/ca.crt
    tls-server-name: kubernetes.default
contexts:
- name: lab
  context: {cluster: lab, user: admin, namespace: pis}
current-context: lab
users:
- name: admin
  user:
    client-certificate: pki/client.crt
    client-key: pki/client.key
    token: inline-token
    tokenFile: token
`;
  writeFileSync(join(t.dir, 'config'), text);
  const kc = loadKubeConfig(join(t.dir, 'config'));
  assert.equal(kc.namespace, 'pis');
  const c = await kc.credentials();
  assert.deepEqual(
    [c.ca?.toString(), c.cert?.toString(), c.key?.toString(), c.token, c.serverName],
    ['FILE CA', 'FILE CERT', 'FILE KEY', 'first', 'kubernetes.default'],
  );
  writeFileSync(join(t.dir, 'token'), 'rotated\n');
  assert.equal((await kc.credentials()).token, 'rotated');
});

void test('insecure-skip-tls-verify, basic auth, and a user-less context', async () => {
  const basic = kubeConfigFromString(`clusters: [{name: c, cluster: {server: 'https://10.1.2.3:6443', insecure-skip-tls-verify: true}}]
contexts: [{name: x, context: {cluster: c, user: u}}, {name: y, context: {cluster: c}}]
current-context: x
users: [{name: u, user: {username: admin, password: s3cret}}]
`);
  const c = await basic.credentials();
  assert.deepEqual([c.insecureSkipTlsVerify, c.username, c.password, c.ca], [true, 'admin', 's3cret', undefined]);
  const none = kubeConfigFromString(
    'clusters: [{name: c, cluster: {server: "http://127.0.0.1:8080"}}]\ncontexts: [{name: y, context: {cluster: c}}]\ncurrent-context: y\n',
  );
  assert.deepEqual(await none.credentials(), { insecureSkipTlsVerify: false });
});

void test('a broken kubeconfig says what is wrong', () => {
  assert.throws(() => kubeConfigFromString('clusters: []\ncontexts: []\n'), /no current-context/);
  assert.throws(() => kubeConfigFromString('current-context: gone\ncontexts: []\n'), /context "gone" not found/);
  assert.throws(
    () => kubeConfigFromString('current-context: a\ncontexts: [{name: a, context: {cluster: c}}]\nclusters: [{name: c, cluster: {}}]\n'),
    /has no server/,
  );
  const gcpLegacy =
    'current-context: a\ncontexts: [{name: a, context: {cluster: c, user: u}}]\nclusters: [{name: c, cluster: {server: "https://x"}}]\nusers: [{name: u, user: {auth-provider: {name: gcp}}}]\n';
  assert.throws(() => kubeConfigFromString(gcpLegacy), /auth-provider "gcp" is not supported/);
});

void test('$KUBECONFIG is a list merged as kubectl merges it: the first file to name a context, cluster or user wins; missing files are skipped', async () => {
  using t = tempDir();
  const a = join(t.dir, 'a');
  const b = join(t.dir, 'b');
  writeFileSync(
    a,
    `current-context: pi
contexts: [{name: pi, context: {cluster: pi, user: pi}}]
users: [{name: pi, user: {token: from-a}}]
`,
  );
  writeFileSync(
    b,
    `current-context: other
clusters: [{name: pi, cluster: {server: 'https://b.example:6443'}}]
contexts: [{name: pi, context: {cluster: nowhere, user: nobody}}]
users: [{name: pi, user: {token: from-b}}]
`,
  );
  const env = { KUBECONFIG: [a, join(t.dir, 'missing'), b].join(delimiter) };
  const kc = loadKubeConfig(undefined, { env, home: t.dir, inClusterDir: join(t.dir, 'sa') });
  assert.equal(kc.server, 'https://b.example:6443');
  assert.equal((await kc.credentials()).token, 'from-a');
});

void test('without --kubeconfig or $KUBECONFIG: ~/.kube/config, then the in-cluster account, else a clear error', async () => {
  using t = tempDir();
  const sa = join(t.dir, 'sa');
  const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
  assert.throws(() => loadKubeConfig(undefined, { env, home: t.dir, inClusterDir: sa }), /no cluster configured/);
  mkdirSync(sa);
  writeFileSync(join(sa, 'token'), 'bound-1');
  writeFileSync(join(sa, 'ca.crt'), 'CLUSTER CA');
  writeFileSync(join(sa, 'namespace'), 'bramble-system\n');
  const inCluster = loadKubeConfig(undefined, { env, home: t.dir, inClusterDir: sa });
  assert.equal(inCluster.server, 'https://[fd00::1]:443');
  assert.equal(inCluster.namespace, 'bramble-system');
  assert.deepEqual(await inCluster.credentials(), { ca: Buffer.from('CLUSTER CA'), insecureSkipTlsVerify: false, token: 'bound-1' });
  // Bound service account tokens rotate (about hourly); the file is read again each time.
  writeFileSync(join(sa, 'token'), 'bound-2');
  assert.equal((await inCluster.credentials()).token, 'bound-2');
  mkdirSync(join(t.dir, '.kube'));
  writeFileSync(join(t.dir, '.kube', 'config'), k3s);
  assert.equal(
    loadKubeConfig(undefined, { env, home: t.dir, inClusterDir: sa }).server,
    'https://127.0.0.1:6443',
    '~/.kube/config comes before the in-cluster account',
  );
  assert.throws(() => inClusterKubeConfig({}, sa), /KUBERNETES_SERVICE_HOST/);
});

void test("an exec plugin in the kubeconfig (EKS shape) supplies the token; its relative command path is the kubeconfig folder's", async () => {
  using t = tempDir();
  const plugin = join(t.dir, 'bin', 'get-token');
  mkdirSync(join(t.dir, 'bin'));
  // Prints its args, one env var and what it was told in KUBERNETES_EXEC_INFO (base64), as the token.
  writeFileSync(
    plugin,
    `#!/bin/sh
printf '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"%s|%s|%s"}}' "$*" "$AWS_PROFILE" "$(printf %s "$KUBERNETES_EXEC_INFO" | base64 -w0)"
`,
    { mode: 0o755 },
  );
  writeFileSync(
    join(t.dir, 'config'),
    `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${b64('EKS CA')}
    server: https://ABC.gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:111122223333:cluster/pis
contexts:
- context:
    cluster: arn:aws:eks:eu-west-1:111122223333:cluster/pis
    user: arn:aws:eks:eu-west-1:111122223333:cluster/pis
  name: arn:aws:eks:eu-west-1:111122223333:cluster/pis
current-context: arn:aws:eks:eu-west-1:111122223333:cluster/pis
users:
- name: arn:aws:eks:eu-west-1:111122223333:cluster/pis
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args: [--region, eu-west-1, eks, get-token, --cluster-name, pis]
      command: ./bin/get-token
      env:
      - name: AWS_PROFILE
        value: lab
      interactiveMode: IfAvailable
      provideClusterInfo: false
`,
  );
  const c = await loadKubeConfig(join(t.dir, 'config')).credentials();
  assert.equal(c.ca?.toString(), 'EKS CA');
  const [args, profile, info] = (c.token ?? '').split('|');
  assert.equal(args, '--region eu-west-1 eks get-token --cluster-name pis');
  assert.equal(profile, 'lab');
  assert.deepEqual(JSON.parse(Buffer.from(info ?? '', 'base64').toString()), {
    apiVersion: 'client.authentication.k8s.io/v1beta1',
    kind: 'ExecCredential',
    spec: { interactive: false },
  });
});
