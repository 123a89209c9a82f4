// `bramble plan` end to end on THIS machine as the "Pi": the real observe and snapshot scripts run
// by the real sh (only the SSH transport is replaced by a local shell), a YAML file holding the
// Secret, a PiNode and a SlurmPartition. Every script sent must be read-only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { stringify } from 'yaml';
import { LocalShellExecutor } from '../reconcilers/shared/local-shell-executor.ts';
import { testPrivateKey } from '../ssh/test-key.test-support.ts';
import { planFromFile, planOptions, PLAN_FLAGS } from './plan.ts';
import { parseCommandLine } from '../controllers/command-line.ts';
import { renderPlan, summaryOf } from './plan/render.ts';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlanPlanPlanPlanPlanPlanPlanPlanPlanPlanPla plan@test';

function file(extra: Record<string, unknown> = {}, withSecret = true): string {
  const docs: Record<string, unknown>[] = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'ssh' },
      type: 'kubernetes.io/ssh-auth',
      stringData: { 'ssh-privatekey': testPrivateKey },
    },
    {
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'PiNode',
      metadata: { name: 'here', labels: { role: 'compute' } },
      spec: {
        address: '127.0.0.1',
        ssh: { privateKeySecretRef: { name: 'ssh' }, hostKeyPolicy: 'TrustOnFirstUse' },
        hostname: 'bramble-plan-test',
        users: [{ name: 'bramble-plan-nobody', authorizedKeys: [key] }],
        ...extra,
      },
    },
    {
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'SlurmPartition',
      metadata: { name: 'batch' },
      spec: { controller: 'here', nodeSelector: { matchLabels: { role: 'compute' } }, mungeKeySecretRef: { name: 'munge' } },
    },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated' } },
  ];
  return docs
    .slice(withSecret ? 0 : 1)
    .map((d) => stringify(d))
    .join('---\n');
}

async function plan(text: string) {
  const executor = new LocalShellExecutor();
  const progress: string[] = [];
  const result = await planFromFile({ file: 'plan.yaml' }, { executor, progress: (l) => progress.push(l), readFile: () => text });
  return { result, progress, calls: executor.calls };
}

void test('plans a PiNode and its Slurm cluster against this machine, with diffs, sending only read-only scripts', async () => {
  const before = readFileSync('/etc/hostname', 'utf8');
  const { result, progress, calls } = await plan(file());
  const [node] = result.pinodes;
  assert.ok(node && !node.error, node?.error);
  const hostnameStep = node.steps.find((s) => s.name === 'hostname');
  assert.ok(hostnameStep?.diff?.includes(`-${before.trim()}\n+bramble-plan-test\n`), hostnameStep?.diff);
  assert.match(node.steps.find((s) => s.name === 'etc-hosts')?.diff ?? '', /\n\+127\.0\.1\.1\tbramble-plan-test\n/);
  const keys = node.steps.find((s) => s.name === 'authorized-keys:bramble-plan-nobody');
  assert.equal(keys?.diff, `--- /dev/null\n+++ b/home/bramble-plan-nobody/.ssh/authorized_keys\n@@ -0,0 +1 @@\n+${key}\n`);
  assert.ok(node.steps.some((s) => s.name === 'user:bramble-plan-nobody'));

  const [cluster] = result.kinds;
  assert.ok(cluster && !cluster.error, cluster?.error);
  assert.match(cluster.notes.join('\n'), /Secret default\/munge has no munge.key: bramble would create it/);
  const host = cluster.hosts[0]!;
  assert.ok(
    host.steps.some((s) => s.name === 'munge-key' && !s.diff),
    'the munge key is planned, its content never shown',
  );
  const conf = host.steps.find((s) => s.name === 'slurm-conf');
  assert.match(conf?.diff ?? '', new RegExp(`\\+SlurmctldHost=${hostname().split('.')[0]}\\(127\\.0\\.0\\.1\\)`));
  assert.match(conf?.diff ?? '', /\+NodeName=here /);
  assert.match(conf?.diff ?? '', /\+PartitionName=batch /);

  const text = renderPlan(result);
  assert.match(text, /^PiNode default\/here \(127\.0\.0\.1\)$/m);
  assert.match(text, /# not previewed: ConfigMap unrelated/);
  assert.match(text, /Nothing was changed\.\n$/);
  assert.doesNotMatch(text, /PRIVATE KEY/);
  assert.ok(
    progress.some((l) => /here \(127\.0\.0\.1\) answered after [\d.]+ s: \d+ changes/.test(l)),
    progress.join('\n'),
  );

  assert.ok(calls.length >= 4);
  for (const call of calls) {
    assert.equal(call.command, 'sh -s');
    assert.doesNotMatch(call.stdin, /run_step|replace_file|useradd|apt-get install|systemctl (re)?start/, 'a read-only script');
  }
  assert.equal(readFileSync('/etc/hostname', 'utf8'), before);
});

void test('a host already as declared shows no steps', async () => {
  const { result } = await plan(file({ hostname: undefined, users: [] }));
  assert.equal(result.pinodes[0]?.error, undefined);
  assert.equal(summaryOf({ ...result, kinds: [] }).changes, 0);
  assert.match(renderPlan({ ...result, kinds: [] }), /= in sync, nothing to do/);
});

void test('invalid resources are refused before anything is sent, as the API server would', async () => {
  await assert.rejects(plan(file({ hostname: 'not a hostname; rm -rf /' })), /PiNode default\/here is invalid: spec\.hostname/);
  const { result, calls } = await plan(file({}, false));
  assert.match(result.pinodes[0]?.error ?? '', /SecretNotFound: Secret default\/ssh not found/);
  assert.equal(calls.length, 0, 'no Secret, no SSH');
  assert.equal(summaryOf(result).failed, 2, 'the PiNode and the cluster (its controller cannot be reached)');
});

void test('flags: -f and --filename, --kubeconfig; -f is required', () => {
  const options = (argv: string[]) => planOptions(parseCommandLine(argv, PLAN_FLAGS).values);
  assert.deepEqual(options(['-f', 'x.yaml']), { file: 'x.yaml' });
  assert.deepEqual(options(['--filename=x.yaml', '--kubeconfig', 'k']), { file: 'x.yaml', kubeconfig: 'k' });
  assert.throws(() => options([]), /needs -f FILE/);
  assert.throws(() => options(['-f', 'x', '--apply']), /unknown flag --apply/);
});

void test('a spec the operator would refuse for locking bramble out is refused by the plan too, with nothing sent', async () => {
  // Admission cannot see which key bramble logs in with; only the reconciler's check can.
  const onlyPiNode = file({ users: [{ name: 'pi', authorizedKeys: [key] }] })
    .split('---\n')
    .filter((d) => !d.includes('kind: SlurmPartition'))
    .join('---\n');
  const { result, calls } = await plan(onlyPiNode);
  assert.match(result.pinodes[0]?.error ?? '', /^WouldLockOut: .*without the key bramble logs in with/);
  assert.deepEqual(result.pinodes[0]?.steps, []);
  assert.equal(calls.length, 0, 'refused before any SSH');
});
