// The proof of one engine for every kind: `bramble plan -f manifests/samples/` on five simulated
// Pis previews all four kinds, sends only read-only commands, and the operator then applies
// exactly the steps it printed, per Pi. The samples are pointed at the fleet the way the demo
// does it (demo/samples.ts): only what the samples mark as a user's to replace changes
// (addresses, host keys, the SSH key, MinIO's download and digest), plus what the simulated Pis
// lack: no USB disk, so the brick and the drive sit on the root filesystem. MinIO is the
// stand-in the MinIO tests use (test/minio-standin/).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { E2eEnvironment } from './environment.ts';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { planFromFile } from '../../cli/plan.ts';
import type { PlanResult } from '../../cli/plan/render.ts';
import { appliedOnHosts, printedSteps } from './plan-steps.ts';
import { buildStandin } from '../minio-standin/build.ts';
import { serveArtifacts, type ArtifactServer } from '../minio-standin/artifact-server.ts';
import { demoManifestFiles } from '../../demo/samples.ts';

const SUBNET = '10.213.52';
let env: E2eEnvironment;
let artifacts: ArtifactServer | undefined;
let dir = '';
let plan: PlanResult;

/** The samples as a user points them at their Pis (demo/samples.ts, which the demo applies too), file by file. */
function writeSamples(minio: { url: string; sha256: string }): void {
  const samples = join(REPO_ROOT, 'manifests/samples');
  const { files, left } = demoManifestFiles({
    files: Object.fromEntries(readdirSync(samples).map((f) => [f, readFileSync(join(samples, f), 'utf8')])),
    pis: env.fleet.nodes,
    clientPrivateKey: env.fleet.clientKey.privateKey,
    kinds: new Set(['PiNode', 'SlurmPartition', 'GlusterVolume', 'MinioPool']),
    minio,
  });
  assert.deepEqual(left, [], 'every sample is used');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

async function planSamples(): Promise<PlanResult> {
  const executor = new Ssh2Executor();
  try {
    return await planFromFile(
      { file: `${dir}/` },
      {
        executor: env.counter.wrap(executor),
        progress: () => undefined,
        kubeConfig: kubeConfigFromString(env.cp.cp.kubeconfig()),
        readFile: (path) => readFileSync(path, 'utf8'),
        listDirectory: (path) => (statSync(path).isDirectory() ? readdirSync(path) : undefined),
      },
    );
  } finally {
    await executor.close();
  }
}

/** What the samples change on a Pi, as its disk holds it: a file's digest, a directory's names, undefined when absent. */
const watched = [
  'etc/timezone',
  'etc/slurm/slurm.conf',
  'etc/munge/munge.key',
  'home/alice/.ssh/authorized_keys',
  'srv/gluster',
  'srv/minio/disk1',
  'etc/default/minio',
  'usr/local/bin/minio',
  'etc/fstab',
];

function snapshot(): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const n of env.fleet.nodes) {
    for (const f of watched) {
      const path = join(env.fleet.rootDir(n.name), f);
      const st = statSync(path, { throwIfNoEntry: false });
      out.set(
        `${n.name}:/${f}`,
        st === undefined
          ? undefined
          : st.isDirectory()
            ? readdirSync(path).join(',')
            : createHash('sha256').update(readFileSync(path)).digest('hex'),
      );
    }
  }
  return out;
}

before(async () => {
  const [env0, standin] = await Promise.all([
    E2eEnvironment.start({ name: 'e2esamples', nodes: 5, subnet: `${SUBNET}.0/24`, resyncMs: 10_000 }),
    buildStandin(),
  ]);
  env = env0;
  dir = join(env.cp.dir, 'samples');
  mkdirSync(dir);
  artifacts = await serveArtifacts(env.fleet.bridgeAddress, { minio: standin.path });
  writeSamples({ url: `${artifacts.url}minio`, sha256: standin.sha256 });
});

after(async () => {
  await artifacts?.close();
  await env?.close();
});

test('bramble plan -f on the samples directory previews all four kinds on five Pis with read-only commands only', async () => {
  const mark = env.counter.calls.length;
  const before = snapshot();
  plan = await planSamples();
  assert.deepEqual(
    plan.pinodes.map((r) => [r.subject, r.error]),
    env.fleet.nodes.map((n) => [`PiNode default/${n.name}`, undefined]),
  );
  for (const r of plan.pinodes) assert.ok(r.steps.length > 0, `${r.subject} has work: users, packages, timezone`);
  assert.deepEqual(
    plan.kinds.map((k) => [k.subject, k.error]),
    [
      ['GlusterVolume default/shared', undefined],
      ['MinioPool default/objects', undefined],
      ['SlurmPartition default/batch', undefined],
    ],
    "one preview per kind, in the order of the directory's files",
  );
  for (const k of plan.kinds) assert.ok(k.hosts.some((h) => h.steps.length > 0) && k.hosts.every((h) => !h.error), k.subject);
  assert.ok(
    plan.skipped.some((s) => s.startsWith('Kustomization ')),
    plan.skipped.join('\n'),
  );
  const calls = env.counter.since(mark);
  assert.ok(calls.length >= 5, `at least an observe per Pi, got ${calls.length}`);
  assert.deepEqual(
    calls.filter((c) => c.kind !== 'observe').map((c) => `${c.host} ${c.kind}`),
    [],
    'mutating commands sent by the plan',
  );
  assert.deepEqual(snapshot(), before, 'no watched file changed on any Pi');
  const steps = (hosts: readonly { steps: readonly unknown[] }[]) => hosts.reduce((n, h) => n + h.steps.length, 0);
  process.stderr.write(
    `# figure: plan of manifests/samples/ on 5 Pis: ${[['PiNode', steps(plan.pinodes)], ...plan.kinds.map((k) => [k.subject.split(' ')[0], steps(k.hosts)])].map(([k, n]) => `${k} ${n} steps`).join(', ')}; ${calls.length} commands sent, ${calls.filter((c) => c.kind !== 'observe').length} mutating\n`,
  );
  assert.equal((await env.list('pinode')).length, 0, 'nothing was written to the cluster');
});

test('the bramble command prints the same plan for the directory', async () => {
  const kubeconfig = join(env.cp.dir, 'kubeconfig');
  const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin/bramble.js'), 'plan', '-f', `${dir}/`, '--kubeconfig', kubeconfig],
      { timeout: 180_000 },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
  assert.equal(run.code, 0, run.stderr);
  for (const subject of [...plan.pinodes.map((p) => p.subject), ...plan.kinds.map((k) => k.subject)])
    assert.match(run.stdout, new RegExp(`^${subject.replaceAll('/', '\\/')}( |$)`, 'm'), subject);
  assert.match(run.stdout, /# not previewed: Kustomization .*kustomization\.yaml \(not a bramble resource\)/);
  assert.match(run.stdout, /Nothing was changed\.\n$/);
  assert.doesNotMatch(run.stdout + run.stderr, /PRIVATE KEY|PLACEHOLDER-change-me/);
});

test('applied (the PiNodes, then kubectl apply -k of the same directory), the operator applies exactly the planned steps on each Pi, for every kind', async () => {
  // In the README's order: the Pis first, then what runs on them. Applied all at once, a
  // partition may converge its controller before its compute Pis are Ready, and write the
  // controller's slurm.conf again when they join: the same steps, one of them twice.
  await env.kubectl(['apply', '-f', join(dir, 'ssh-key-secret.yaml'), '-f', join(dir, 'pinodes.yaml')]);
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=300s']);
  await env.kubectl(['apply', '-k', dir]);
  for (const kind of ['slurmpartition/batch', 'glustervolume/shared', 'miniopool/objects'])
    await env.kubectl(['wait', '--for=condition=Ready', kind, '--timeout=420s']);

  const events = await env.events();
  for (const report of plan.pinodes) {
    const name = report.subject.split('/')[1]!;
    const applied = events
      .filter((e) => e.regarding?.kind === 'PiNode' && e.regarding.name === name && e.type === 'Normal')
      .map((e) => e.note ?? '')
      .filter((note) => !note.startsWith('trusted host key'))
      .sort();
    assert.deepEqual(applied, report.steps.map((s) => s.description).sort(), `PiNode ${name}`);
  }
  for (const report of plan.kinds) {
    const [kind, ref] = report.subject.split(' ') as [string, string];
    const name = ref.split('/')[1]!;
    const story = events
      .filter((e) => e.regarding?.kind === kind && e.regarding.name === name)
      .map((e) => `${e.type} ${e.reason}: ${e.note ?? ''}`)
      .join('\n');
    assert.deepEqual(appliedOnHosts(events, kind, name), printedSteps(report), `${report.subject}; its Events:\n${story}`);
  }

  const again = await planSamples();
  assert.deepEqual(
    [...again.pinodes, ...again.kinds.flatMap((k) => k.hosts)].filter((h) => h.error || h.steps.length).map((h) => h.subject),
    [],
    'a plan after the converge finds nothing to do',
  );
});
