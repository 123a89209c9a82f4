// `bramble plan` on simulated Pis: the plan names the right steps with the right diffs, sends
// only read-only commands (counted by the CountingExecutor, and the Pis' files compared before
// and after), and what it predicts is what the operator then does: after the same resources are
// applied and converge, the diff between each file before and after is exactly the planned one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { E2eEnvironment, condition } from './environment.ts';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { planFromFile } from '../../cli/plan.ts';
import { unifiedDiff } from '../../cli/plan/unified-diff.ts';
import type { PlanResult } from '../../cli/plan/render.ts';
import { appliedOnHosts, printedSteps } from './plan-steps.ts';

let env: E2eEnvironment;
const aliceKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ4cvCiIZ/yoin9V1DLq+ScYB22xFW86E2zYaOeTizq alice@laptop';
const watched = [
  'etc/hostname',
  'etc/hosts',
  'etc/timezone',
  'home/alice/.ssh/authorized_keys',
  'etc/slurm/slurm.conf',
  'etc/munge/munge.key',
];

function piNodes(): string {
  return env.piNodeYaml((n) => ({
    labels: { 'bramble.dev/role': n === 'pi0' ? 'controller' : 'compute' },
    spec: {
      hostname: `plan-${n}`,
      timezone: 'Europe/Berlin',
      users: [{ name: 'alice', groups: ['users'], shell: '/bin/bash', authorizedKeys: [aliceKey] }],
      packages: ['tree'],
    },
  }));
}

const partition = stringify({
  apiVersion: 'bramble.dev/v1alpha1',
  kind: 'SlurmPartition',
  metadata: { name: 'batch' },
  spec: {
    clusterName: 'plan',
    controller: 'pi0',
    nodeSelector: { matchLabels: { 'bramble.dev/role': 'compute' } },
    mungeKeySecretRef: { name: 'plan-munge' },
  },
});

const volume = stringify({
  apiVersion: 'bramble.dev/v1alpha1',
  kind: 'GlusterVolume',
  metadata: { name: 'planned' },
  spec: {
    type: 'Replicate',
    replica: 3,
    bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: true },
    mount: { nodeSelector: {}, path: '/mnt/planned' },
  },
});

/** Every watched file of every Pi, read from its disk (undefined when absent). */
function snapshot(): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const n of env.fleet.nodes) {
    for (const f of watched) {
      const path = join(env.fleet.rootDir(n.name), f);
      out.set(`${n.name}:/${f}`, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    }
  }
  return out;
}

async function planInProcess(text: string): Promise<{ result: PlanResult; progress: string[] }> {
  const executor = new Ssh2Executor();
  const progress: string[] = [];
  try {
    const result = await planFromFile(
      { file: 'resources.yaml' },
      {
        executor: env.counter.wrap(executor),
        progress: (l) => progress.push(l),
        kubeConfig: kubeConfigFromString(env.cp.cp.kubeconfig()),
        readFile: () => text,
      },
    );
    return { result, progress };
  } finally {
    await executor.close();
  }
}

let firstPlan: PlanResult;
let filesBefore: Map<string, string | undefined>;

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2eplan', nodes: 3, subnet: '10.213.44.0/24', resyncMs: 10_000 });
  filesBefore = snapshot();
});

after(async () => {
  await env?.close();
});

test('plan shows each Pi its steps and file diffs, with the SSH key Secret read from the cluster, and changes nothing', async () => {
  const mark = env.counter.calls.length;
  const { result, progress } = await planInProcess(`${piNodes()}---\n${partition}`);
  firstPlan = result;
  assert.equal(result.pinodes.length, 3);
  for (const node of env.fleet.nodes) {
    const report = result.pinodes.find((r) => r.subject === `PiNode default/${node.name}`);
    assert.ok(report && !report.error, report?.error);
    assert.deepEqual(
      report.steps.map((s) => s.name),
      ['hostname', 'etc-hosts', 'timezone', 'packages', 'user:alice', 'authorized-keys:alice'],
    );
    assert.match(report.steps[0]!.diff ?? '', new RegExp(`^-${node.name}\\n\\+plan-${node.name}$`, 'm'));
    assert.match(report.steps[1]!.diff ?? '', new RegExp(`^\\+127\\.0\\.1\\.1\\tplan-${node.name}$`, 'm'));
    assert.match(report.steps[2]!.diff ?? '', /^\+Europe\/Berlin$/m);
    assert.equal(report.steps[5]!.diff, `--- /dev/null\n+++ b/home/alice/.ssh/authorized_keys\n@@ -0,0 +1 @@\n+${aliceKey}\n`);
    assert.ok(
      progress.some((l) => l.includes(`${node.name} (${node.address}) answered after`)),
      progress.join('\n'),
    );
  }
  const [cluster] = result.kinds;
  assert.ok(cluster && !cluster.error, cluster?.error);
  assert.deepEqual(
    cluster.hosts.map((h) => h.subject),
    ['pi0', 'pi1', 'pi2'],
  );
  const conf = cluster.hosts.find((h) => h.subject === 'pi1')?.steps.find((s) => s.name === 'slurm-conf')?.diff ?? '';
  assert.match(conf, /^\+SlurmctldHost=pi0\(10\.213\.44\.10\)$/m, 'the controller by its current hostname');
  assert.match(conf, /^\+PartitionName=batch Nodes=pi\[1-2\]|^\+PartitionName=batch Nodes=pi1,pi2/m);
  assert.ok(cluster.hosts.every((h) => h.steps.some((s) => s.name === 'munge-key' && s.diff === undefined)));

  const calls = env.counter.since(mark);
  assert.ok(calls.length >= 6, `at least an observe and a snapshot per Pi, got ${calls.length}`);
  assert.deepEqual(
    calls.filter((c) => c.kind !== 'observe'),
    [],
    'only read-only commands',
  );
  assert.deepEqual(snapshot(), filesBefore, 'no watched file changed on any Pi');
  assert.equal((await env.list('pinode')).length, 0, 'nothing was written to the cluster');
  assert.notEqual((await env.cp.kubectl(['get', 'secret', 'plan-munge'])).code, 0, 'no munge key Secret was created');
});

test('the bramble plan command reads the Secret from the file, prints the plan and a progress line per host', async () => {
  const file = join(env.cp.dir, 'plan.yaml');
  const secret = stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'bramble-ssh-key' },
    type: 'kubernetes.io/ssh-auth',
    stringData: { 'ssh-privatekey': env.fleet.clientKey.privateKey },
  });
  writeFileSync(file, `${secret}---\n${piNodes()}`);
  const { KUBECONFIG: _unused, ...noCluster } = process.env;
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin/bramble.js'), 'plan', '-f', file],
      { env: noCluster, timeout: 120_000 },
      (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
  assert.equal(run.code, 0, run.stderr);
  for (const node of env.fleet.nodes) {
    assert.match(run.stdout, new RegExp(`^PiNode default/${node.name} \\(${node.address.replaceAll('.', '\\.')}\\)$`, 'm'));
    assert.match(run.stderr, new RegExp(`${node.name} \\(${node.address.replaceAll('.', '\\.')}\\) answered after [\\d.]+ s: 6 changes`));
  }
  assert.match(run.stdout, /^ {2}~ hostname: hostname was pi0, set to plan-pi0$/m);
  assert.match(run.stdout, /^ {6}\+plan-pi0$/m);
  assert.match(run.stdout, /Plan: 18 changes on 3 Pis; 0 PiNodes in sync; 0 could not be planned\. Nothing was changed\.\n$/);
  assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY/);
  assert.deepEqual(snapshot(), filesBefore);
});

test('once applied, every file changed exactly as planned, and a new plan finds nothing to do', async () => {
  await env.kubectl(['apply', '-f', '-'], piNodes());
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=240s']);
  for (const node of await env.list('pinode')) assert.equal(condition(node, 'Ready')?.status, 'True');
  const filesAfter = snapshot();
  const files: [string, string][] = [
    ['hostname', '/etc/hostname'],
    ['etc-hosts', '/etc/hosts'],
    ['timezone', '/etc/timezone'],
    ['authorized-keys:alice', '/home/alice/.ssh/authorized_keys'],
  ];
  for (const report of firstPlan.pinodes) {
    const name = report.subject.split('/')[1]!;
    for (const [step, path] of files) {
      const real = unifiedDiff({ path, before: filesBefore.get(`${name}:${path}`), after: filesAfter.get(`${name}:${path}`) ?? '' });
      assert.equal(report.steps.find((s) => s.name === step)?.diff, real, `${name} ${path}`);
    }
  }
  const { result } = await planInProcess(piNodes());
  assert.deepEqual(
    result.pinodes.map((r) => [r.subject, r.error, r.steps.length]),
    env.fleet.nodes.map((n) => [`PiNode default/${n.name}`, undefined, 0]),
  );
});

test('a GlusterVolume is planned through its kind with read-only commands only, and the operator then applies exactly the planned steps on each Pi', async () => {
  const mark = env.counter.calls.length;
  const { result } = await planInProcess(volume);
  const [plan] = result.kinds;
  assert.ok(plan && !plan.error, plan?.error);
  assert.deepEqual(
    plan.hosts.map((h) => h.subject),
    ['pi0', 'pi1', 'pi2'],
  );
  assert.ok(
    plan.hosts.every((h) => h.steps.length > 0),
    'a fresh volume has work on every Pi',
  );
  assert.deepEqual(
    env.counter.since(mark).filter((c) => c.kind !== 'observe'),
    [],
    'only read-only commands',
  );

  await env.kubectl(['apply', '-f', '-'], volume);
  await env.kubectl(['wait', '--for=condition=Ready', 'glustervolume/planned', '--timeout=240s']);
  assert.deepEqual(appliedOnHosts(await env.events(), 'GlusterVolume', 'planned'), printedSteps(plan));
  const { result: again } = await planInProcess(volume);
  assert.deepEqual(
    again.kinds[0]?.hosts.map((h) => [h.subject, h.error, h.steps.length]),
    [
      ['pi0', undefined, 0],
      ['pi1', undefined, 0],
      ['pi2', undefined, 0],
    ],
  );
});
