// The real observe script and the real step commands, run by the real reconciler against this
// Debian machine inside a namespace sandbox (private /etc copy, own hostname). Only the SSH
// transport is skipped. Proves: the commands work on Debian, a converged node re-observes with
// zero steps, drift is corrected, hostile values stay literal, a missing group fails clearly.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClusterView, ReconcileContext } from '../contract.ts';
import { canUseNamespaceSandbox, startNamespaceSandbox, type NamespaceSandbox } from '../shared/namespace-sandbox.test-support.ts';
import { piNodeReconciler } from './reconciler.ts';
import type { PiNode, PiNodeSpec, PiNodeStatus } from './pinode-types.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';

const skip = canUseNamespaceSandbox() ? false : 'needs root (mount and UTS namespaces)';
let sandbox: NamespaceSandbox;
const hostHostname = hostname();
const canary = `/tmp/bramble-pwned-${randomBytes(4).toString('hex')}`;
const aliceKeys = [
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAliceAliceAliceAliceAliceAliceAliceAlice alice@laptop',
  `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostileHostileHostileHostile $(touch ${canary}) \`touch ${canary}\` it's`,
];

before(async () => {
  if (!skip) sandbox = await startNamespaceSandbox();
});
after(() => sandbox?.stop());

function node(spec: Partial<PiNodeSpec>, status?: PiNodeStatus): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'sbx', namespace: 'default', generation: 1 },
    spec: {
      address: '127.0.0.1',
      port: 22,
      ssh: { user: 'root', privateKeySecretRef: { name: 'k' }, hostKeyPolicy: 'TrustOnFirstUse' },
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

function ctx(now: Date): ReconcileContext {
  const view: ClusterView = {
    getSecret: () => ({ type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(testPrivateKey) } }),
    list: () => [],
    get: () => undefined,
  };
  const quiet = () => undefined;
  return { executor: sandbox.executor, view, clock: { now: () => now }, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } };
}

const spec: Partial<PiNodeSpec> = {
  hostname: 'bramble-sbx1',
  timezone: 'America/Argentina/Buenos_Aires',
  packages: ['coreutils'],
  users: [{ name: 'alice', groups: ['video', 'audio'], shell: '/bin/bash', authorizedKeys: aliceKeys }],
};

function cond(status: PiNodeStatus, type: string): string | undefined {
  const c = status.conditions?.find((x) => x.type === type);
  return c && `${c.status}/${c.reason}`;
}

let converged: PiNodeStatus;

void test('a fresh Debian host converges: observe + one apply, and the host really changed', { skip }, async () => {
  await sandbox.run("printf '127.0.1.1\\told-name old\\n127.0.1.1 duplicate\\n' >> /etc/hosts");
  const hostsBefore = await sandbox.run('grep -v ^127.0.1.1 /etc/hosts');
  const calls = sandbox.executor.calls.length;
  const result = await piNodeReconciler.reconcile(node(spec), ctx(new Date()));
  assert.equal(sandbox.executor.calls.length - calls, 2, 'one observe and one apply');
  assert.equal(
    result.events.find((e) => e.reason === 'HostsFileUpdated')?.message,
    '/etc/hosts mapped 127.0.1.1 to old-name old, set to bramble-sbx1',
  );
  assert.equal(await sandbox.run('grep -v ^127.0.1.1 /etc/hosts'), hostsBefore, 'other lines of /etc/hosts are kept');
  assert.equal(cond(result.status, 'Ready'), 'True/Ready', JSON.stringify(result.status.conditions));
  assert.deepEqual(
    result.events.map((e) => e.reason),
    ['HostKeyRecorded', 'HostnameSet', 'HostsFileUpdated', 'TimezoneSet', 'UserConfigured', 'AuthorizedKeysWritten'],
  );
  converged = result.status;

  assert.equal((await sandbox.run('hostname')).trim(), 'bramble-sbx1');
  assert.equal((await sandbox.run('cat /etc/hostname')).trim(), 'bramble-sbx1');
  assert.match(await sandbox.run('grep ^127.0.1.1 /etc/hosts'), /^127\.0\.1\.1\tbramble-sbx1\n$/);
  assert.equal((await sandbox.run('readlink /etc/localtime')).trim(), '/usr/share/zoneinfo/America/Argentina/Buenos_Aires');
  assert.equal((await sandbox.run('cat /etc/timezone')).trim(), 'America/Argentina/Buenos_Aires');
  assert.deepEqual((await sandbox.run('id -nG alice')).trim().split(' ').sort(), ['alice', 'audio', 'video']);
  assert.equal((await sandbox.run('getent passwd alice | cut -d: -f7')).trim(), '/bin/bash');
  assert.equal((await sandbox.run("stat -c '%a %U' /home/alice/.ssh /home/alice/.ssh/authorized_keys")).trim(), '700 alice\n600 alice');
  assert.equal(await sandbox.run('cat /home/alice/.ssh/authorized_keys'), `${aliceKeys.join('\n')}\n`, 'hostile text written literally');
  assert.ok(!existsSync(canary), 'nothing in a key was executed');
  assert.equal(hostname(), hostHostname, "this machine's hostname is untouched");
  assert.doesNotMatch(readFileSync('/etc/passwd', 'utf8'), /^alice:/m, "this machine's /etc is untouched");
});

void test('the converged host re-observes in exactly one exec with nothing to do', { skip }, async () => {
  const calls = sandbox.executor.calls.length;
  const result = await piNodeReconciler.reconcile(node(spec, converged), ctx(new Date()));
  assert.equal(sandbox.executor.calls.length - calls, 1);
  assert.deepEqual(result.events, []);
  assert.deepEqual(result.status.pendingSteps, []);
  assert.equal(cond(result.status, 'Configured'), 'True/InSync');
  converged = result.status;
});

void test('changes made by hand are found and corrected, and worded as drift', { skip }, async () => {
  await sandbox.run(
    'hostname by-hand && chmod 644 /home/alice/.ssh/authorized_keys && echo "ssh-rsa AAAA intruder" >> /home/alice/.ssh/authorized_keys',
  );
  const result = await piNodeReconciler.reconcile(node(spec, converged), ctx(new Date()));
  assert.deepEqual(
    result.events.map((e) => e.message),
    [
      'drift corrected: hostname was by-hand (/etc/hostname: bramble-sbx1), set to bramble-sbx1',
      'drift corrected: authorized keys of alice: 0 added, 1 removed',
    ],
  );
  assert.equal((await sandbox.run('hostname')).trim(), 'bramble-sbx1');
  assert.equal(await sandbox.run('cat /home/alice/.ssh/authorized_keys'), `${aliceKeys.join('\n')}\n`);
  assert.equal((await sandbox.run("stat -c '%a' /home/alice/.ssh/authorized_keys")).trim(), '600');
});

void test('paused: drift is only reported, the host stays as it is', { skip }, async () => {
  await sandbox.run('hostname paused-by-hand');
  const calls = sandbox.executor.calls.length;
  const result = await piNodeReconciler.reconcile(node({ ...spec, paused: true }, converged), ctx(new Date()));
  assert.equal(sandbox.executor.calls.length - calls, 1);
  assert.deepEqual(
    result.status.pendingSteps?.map((s) => s.name),
    ['hostname'],
  );
  assert.equal(cond(result.status, 'Configured'), 'False/Paused');
  assert.deepEqual(
    result.events.map((e) => [e.reason, e.message]),
    [
      [
        'DriftDetected',
        'drift detected, not corrected (paused): hostname was paused-by-hand (/etc/hostname: bramble-sbx1), set to bramble-sbx1',
      ],
    ],
  );
  assert.equal((await sandbox.run('hostname')).trim(), 'paused-by-hand');
});

void test('a missing group is created; a missing shell fails the step clearly and stops the plan there', { skip }, async () => {
  const users = [
    { name: 'bob', groups: ['bramble-new-group'] },
    { name: 'carol', shell: '/bin/bramble-no-such-shell' },
    { name: 'dave', authorizedKeys: [] },
  ];
  const result = await piNodeReconciler.reconcile(node({ users }), ctx(new Date()));
  assert.equal(cond(result.status, 'Configured'), 'False/StepFailed');
  const message = result.status.conditions?.find((c) => c.type === 'Configured')?.message ?? '';
  assert.match(message, /^step user:carol exited 1: shell \/bin\/bramble-no-such-shell does not exist on this host$/);
  assert.deepEqual(
    result.status.pendingSteps?.map((s) => s.name),
    ['user:carol', 'user:dave', 'authorized-keys:dave'],
  );
  assert.deepEqual(
    result.events.filter((e) => e.reason === 'UserConfigured').map((e) => e.message),
    ['create group bramble-new-group; create user bob (groups bramble-new-group)'],
  );
  assert.match(await sandbox.run('id -nG bob'), /\bbramble-new-group\b/);
  await assert.rejects(sandbox.run('id dave'), 'steps after the failure did not run');
});
