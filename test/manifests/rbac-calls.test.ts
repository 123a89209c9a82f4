// RBAC against what the operator really does: the embedded control plane logs every request;
// the operator (`bramble run`, as the Deployment runs it: --leader-elect, Lease in
// bramble-system) reconciles a PiNode whose Pi is down (a closed loopback port), and every call
// it makes must be allowed by the rendered ClusterRole and Role. The converse (every grant is
// used) needs all four kinds converging on the simulated fleet; that is the end-to-end run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { installCrds, readCrdDocuments, startControlPlane, type RequestLogEntry } from '../../controlplane/index.ts';
import { allowedBy, type BoundRole, type PolicyRule } from './rbac-rules.ts';
import { findObject, renderBase } from './render.ts';
import { kubectlPath, repoPath, requireTool, run, runAsync } from './tools.ts';

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function operatorRoles(): BoundRole[] {
  const { objects } = renderBase();
  const cluster = findObject(objects, 'ClusterRole', 'bramble') as unknown as { rules: PolicyRule[] };
  const lease = findObject(objects, 'Role', 'bramble-leader-election') as unknown as { metadata: { namespace: string }; rules: PolicyRule[] };
  return [
    { name: 'ClusterRole/bramble', rules: cluster.rules },
    { name: 'Role/bramble-leader-election', namespace: lease.metadata.namespace, rules: lease.rules },
  ];
}

void test('every API call the operator makes is allowed by the manifests\' RBAC', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-rbac-'));
  const log: RequestLogEntry[] = [];
  let recording = false;
  const cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0', requestLog: (e) => recording && log.push(e) });
  let child: ReturnType<typeof spawn> | undefined;
  try {
    await installCrds(cp, readCrdDocuments(repoPath('crds')));
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, cp.kubeconfig(), { mode: 0o600 });
    const key = join(dir, 'id');
    assert.equal(run(requireTool('ssh-keygen', 'scripts/setup/20-sshd.sh'), ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status, 0);
    const port = await closedPort();
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bramble-system' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'key', namespace: 'lab' }, type: 'kubernetes.io/ssh-auth', stringData: { 'ssh-privatekey': readFileSync(key, 'utf8') } },
      {
        apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'pi1', namespace: 'lab' },
        spec: { address: '127.0.0.1', port, ssh: { user: 'pi', privateKeySecretRef: { name: 'key' }, hostKeyPolicy: 'TrustOnFirstUse' } },
      },
    ];
    const applied = await runAsync(kubectlPath(), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
    assert.equal(applied.status, 0, applied.stderr);

    // From here on only the operator talks to the control plane.
    recording = true;
    let output = '';
    child = spawn(process.execPath, [
      repoPath('bin', 'bramble.js'), 'run', '--kubeconfig', kubeconfig,
      '--leader-elect', '--leader-election-namespace', 'bramble-system',
      '--metrics-bind-address', '0', '--health-probe-bind-address', '0',
    ], { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
    const did = (verb: string, resource: string, subresource?: string) =>
      log.some((e) => e.verb === verb && e.resource === resource && e.subresource === subresource && e.code < 300);
    const started = Date.now();
    while (Date.now() - started < 60_000 && child.exitCode === null && !(did('patch', 'pinodes', 'status') && (did('create', 'leases') || did('update', 'leases')))) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(child.exitCode, null, `the operator exited:\n${output}`);
    assert.ok(did('patch', 'pinodes', 'status'), `the operator wrote the PiNode's status within 60 s:\n${output}`);
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
    recording = false;

    const roles = operatorRoles();
    const seen = new Set(log.filter((e) => e.resource !== '' && e.code < 300).map((e) => `${e.verb} ${e.group}/${e.resource}${e.subresource ? `/${e.subresource}` : ''}`));
    // What a reconcile of one unreachable PiNode under leader election must include, so the
    // check below covers informers, Secrets, status, Events and the Lease.
    for (const call of ['list bramble.dev/pinodes', 'watch bramble.dev/pinodes', 'patch bramble.dev/pinodes/status', 'create events.k8s.io/events', 'create coordination.k8s.io/leases']) {
      assert.ok(seen.has(call), `expected the operator to ${call}; it did: ${[...seen].join(', ')}`);
    }
    assert.ok(seen.has('get /secrets') || seen.has('list /secrets'), `the operator read the SSH key Secret: ${[...seen].join(', ')}`);
    const resourceCalls = log.filter((e) => e.resource !== '');
    assert.ok(resourceCalls.length > 5, `recorded ${resourceCalls.length} calls`);
    const denied = resourceCalls
      .filter((e) => !allowedBy(roles, e))
      .map((e) => `${e.verb} ${e.group || 'core'}/${e.resource}${e.subresource ? `/${e.subresource}` : ''}${e.namespace ? ` in ${e.namespace}` : ''}`);
    assert.deepEqual([...new Set(denied)], [], 'calls the manifests\' RBAC would refuse with 403');
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await cp.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
