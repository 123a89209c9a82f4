// RBAC against what the operator really does: the embedded control plane logs every request;
// the operator (`bramble run`, as the Deployment runs it: --leader-elect, Lease in
// bramble-system) reconciles one object of each kind whose Pi is down (a closed loopback port),
// and a Secret that comes, and goes again, while a PiNode waits for it (so an Event repeats and
// its series is patched). Every call it makes must be allowed by the rendered ClusterRole and
// Role, and every verb they grant must have been used: nothing is granted "just in case".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { installCrds, readCrdDocuments, startControlPlane, type RequestLogEntry } from '../../controlplane/index.ts';
import { allowedBy, type BoundRole, type PolicyRule } from './rbac-rules.ts';
import { findObject, renderBase } from './render.ts';
import { kubectlPath, repoPath, requireTool, run, runAsync } from './tools.ts';
import { freePort as closedPort } from '../free-port.ts';

function operatorRoles(): BoundRole[] {
  const { objects } = renderBase();
  const cluster = findObject(objects, 'ClusterRole', 'bramble') as unknown as { rules: PolicyRule[] };
  const lease = findObject(objects, 'Role', 'bramble-leader-election') as unknown as {
    metadata: { namespace: string };
    rules: PolicyRule[];
  };
  return [
    { name: 'ClusterRole/bramble', rules: cluster.rules },
    { name: 'Role/bramble-leader-election', namespace: lease.metadata.namespace, rules: lease.rules },
  ];
}

/** Every verb on every resource a role grants, as "verb group/resource[/sub]". */
function granted(roles: BoundRole[]): Set<string> {
  const out = new Set<string>();
  for (const role of roles) {
    for (const rule of role.rules) {
      for (const group of rule.apiGroups ?? ['']) {
        for (const resource of rule.resources ?? []) for (const verb of rule.verbs) out.add(`${verb} ${group}/${resource}`);
      }
    }
  }
  return out;
}

/**
 * The test's own calls on the Secret that comes and goes (kubectl creates and deletes it; a GET
 * of it is the operator's, which reads Secrets by name). Everything else is the operator's.
 */
const byTheTest = (e: RequestLogEntry): boolean => e.resource === 'secrets' && e.name === 'late-key' && e.verb !== 'get';

void test(
  "every API call the operator makes is allowed by the manifests' RBAC, and every grant is used",
  { timeout: 240_000 },
  async () => {
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
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'key', namespace: 'lab' },
          type: 'kubernetes.io/ssh-auth',
          stringData: { 'ssh-privatekey': readFileSync(key, 'utf8') },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: { name: 'pi1', namespace: 'lab', labels: { role: 'compute' } },
          spec: { address: '127.0.0.1', port, ssh: { user: 'pi', privateKeySecretRef: { name: 'key' }, hostKeyPolicy: 'TrustOnFirstUse' } },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: { name: 'pi2', namespace: 'lab' },
          spec: {
            address: '127.0.0.1',
            port,
            ssh: { user: 'pi', privateKeySecretRef: { name: 'late-key' }, hostKeyPolicy: 'TrustOnFirstUse' },
          },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'minio-root', namespace: 'lab' },
          type: 'Opaque',
          stringData: { rootUser: 'admin', rootPassword: 'not-a-real-password' },
        },
        // Secrets no bramble resource names: the operator must never read them.
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'sh.helm.release.v1.other.v1', namespace: 'lab' },
          type: 'helm.sh/release.v1',
          stringData: { release: "not bramble's" },
        },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'key', namespace: 'bramble-system' },
          type: 'Opaque',
          stringData: { other: 'same name, other namespace' },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'SlurmPartition',
          metadata: { name: 'batch', namespace: 'lab' },
          spec: {
            clusterName: 'lab',
            controller: 'pi1',
            nodeSelector: { matchLabels: { role: 'compute' } },
            mungeKeySecretRef: { name: 'munge' },
          },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'GlusterVolume',
          metadata: { name: 'shared', namespace: 'lab' },
          spec: { type: 'Distribute', bricks: { nodeNames: ['pi1'], path: '/srv/gluster', allowRootFilesystem: true } },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'MinioPool',
          metadata: { name: 'objects', namespace: 'lab' },
          spec: {
            nodeSelector: { matchLabels: { role: 'compute' } },
            drivesPerNode: 1,
            drivePaths: ['/srv/minio/disk1'],
            credentialsSecretRef: { name: 'minio-root' },
            source: { url: `http://127.0.0.1:${port}/minio`, sha256: '0'.repeat(64) },
          },
        },
      ];
      const applied = await runAsync(kubectlPath(), ['--kubeconfig', kubeconfig, 'apply', '-f', '-'], {
        input: objects.map((o) => stringify(o)).join('---\n'),
      });
      assert.equal(applied.status, 0, applied.stderr);

      // From here on only the operator talks to the control plane.
      recording = true;
      let output = '';
      child = spawn(
        process.execPath,
        [
          repoPath('bin', 'bramble.js'),
          'run',
          '--kubeconfig',
          kubeconfig,
          '--leader-elect',
          '--leader-election-namespace',
          'bramble-system',
          '--metrics-bind-address',
          '0',
          '--health-probe-bind-address',
          '0',
        ],
        { cwd: dir, env: { PATH: process.env.PATH, HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      const did = (verb: string, resource: string, subresource?: string) =>
        log.some((e) => e.verb === verb && e.resource === resource && e.subresource === subresource && e.code < 300);
      const until = async (what: string, probe: () => boolean, ms = 60_000): Promise<void> => {
        const started = Date.now();
        while (Date.now() - started < ms && child!.exitCode === null && !probe()) await new Promise((r) => setTimeout(r, 200));
        assert.equal(child!.exitCode, null, `the operator exited:\n${output}`);
        assert.ok(probe(), `${what} within ${ms} ms:\n${output}`);
      };
      const kinds = ['pinodes', 'slurmpartitions', 'glustervolumes', 'miniopools'];
      await until(
        "every kind's status written, finalizers added, the munge key Secret created and the Lease renewed",
        () =>
          kinds.every((k) => did('patch', k, 'status')) &&
          ['slurmpartitions', 'glustervolumes', 'miniopools'].every((k) => did('patch', k)) &&
          did('create', 'secrets') &&
          did('update', 'leases'),
      );
      // The Secret pi2 waits for arrives, then goes again: its SecretNotFound Event repeats after
      // the recorder's update interval (30 s), and the repeat patches the Event's series.
      const kubectl = async (...args: string[]): Promise<void> => {
        const r = await runAsync(kubectlPath(), ['--kubeconfig', kubeconfig, '-n', 'lab', ...args], {});
        assert.equal(r.status, 0, r.stderr);
      };
      await kubectl('create', 'secret', 'generic', 'late-key', '--type', 'kubernetes.io/ssh-auth', `--from-file=ssh-privatekey=${key}`);
      await new Promise((r) => setTimeout(r, 31_000));
      await kubectl('delete', 'secret', 'late-key');
      await until('the repeated Event patched', () => did('patch', 'events'), 60_000);
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      recording = false;

      const roles = operatorRoles();
      const seen = new Set(
        log
          .filter((e) => e.resource !== '' && e.code < 300 && !byTheTest(e))
          .map((e) => `${e.verb} ${e.group}/${e.resource}${e.subresource ? `/${e.subresource}` : ''}`),
      );
      // What a reconcile of one unreachable PiNode under leader election must include, so the
      // check below covers informers, Secrets, status, Events and the Lease.
      for (const call of [
        'list bramble.dev/pinodes',
        'watch bramble.dev/pinodes',
        'patch bramble.dev/pinodes/status',
        'create events.k8s.io/events',
        'create coordination.k8s.io/leases',
      ]) {
        assert.ok(seen.has(call), `expected the operator to ${call}; it did: ${[...seen].join(', ')}`);
      }
      // Secrets: only GETs by name, only of the Secrets the resources name (the SSH keys, the
      // munge key it created, the MinIO credentials), never a list or watch of them.
      const secretCalls = log.filter((e) => e.resource === 'secrets' && !byTheTest(e));
      console.log(
        `Secret calls of the operator (${secretCalls.length}):\n${[...new Set(secretCalls.map((e) => `  ${e.verb} ${e.namespace}/${e.name ?? ''} → ${e.code}`))].join('\n')}`,
      );
      assert.deepEqual([...new Set(secretCalls.map((e) => e.verb))].sort(), ['create', 'get']);
      const read = secretCalls.filter((e) => e.verb === 'get').map((e) => `${e.namespace}/${e.name}`);
      assert.deepEqual([...new Set(read)].sort(), ['lab/key', 'lab/late-key', 'lab/minio-root', 'lab/munge']);
      const resourceCalls = log.filter((e) => e.resource !== '' && !byTheTest(e));
      assert.ok(resourceCalls.length > 5, `recorded ${resourceCalls.length} calls`);
      const denied = resourceCalls
        .filter((e) => !allowedBy(roles, e))
        .map(
          (e) =>
            `${e.verb} ${e.group || 'core'}/${e.resource}${e.subresource ? `/${e.subresource}` : ''}${e.namespace ? ` in ${e.namespace}` : ''}`,
        );
      assert.deepEqual([...new Set(denied)], [], "calls the manifests' RBAC would refuse with 403");
      const unused = [...granted(roles)].filter((g) => !seen.has(g));
      assert.deepEqual(unused, [], 'granted but never used by the operator: remove them from the manifests');
    } finally {
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
