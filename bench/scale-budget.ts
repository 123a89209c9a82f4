// The operator on a Raspberry Pi's budget: a quarter of one core (a cgroup CPU quota, about one
// Cortex-A53 core of a Pi 3B+) and the heap cap the chart's Deployment sets (NODE_OPTIONS), the
// operator started as the image starts it: a bundle built before the start (`node FILE`, as the
// image runs dist/bramble.mjs), nothing bundled at start. Side by side in one run:
// - operator start, spawn → first reconcile (the first TCP connection to its one PiNode's SSH
//   port), on the budget and unlimited, BRAMBLE_BENCH_BUDGET_START_ROUNDS (3) alternating rounds,
//   medians; the real `node dist/bramble.mjs run`;
// - BRAMBLE_BENCH_BUDGET_PIS (100) simulated Pis (the nspawn fleet) converged on the budget and
//   unlimited, alternately on one fleet reset before each run (lib/budget-converge.ts): target
//   within 1.5× of unlimited;
// - 1,000 PiNodes with a replayed Pi (scale-1000.ts, its operator prebuilt the same way) on the
//   budget: a full resync pass against the resync period, peak RSS, queued → first command of
//   each key in the pass (p99: no reconcile starved), and where the pass's CPU went (a profile).
// Needs a cgroup it may create (root); without one it says so and fails, never runs unlimited.
// `npm run bench budget`.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultResyncMs } from '../controllers/manager.ts';
import { startControlPlaneProcess, stopChild } from './lib/bramble-round.ts';
import { createCpuLimit, type CpuLimit } from './lib/cpu-limit.ts';
import { cpuMsOf } from './lib/process-tree.ts';
import { median } from './lib/stats.ts';
import { budgetConverge, type BudgetConverge, type ConvergeRun } from './lib/budget-converge.ts';
import benchScale, { applyCrdsAndKey, kubectlOn, type ScaleFigures } from './scale-1000.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const cores = 0.25;
const startRounds = Number(process.env.BRAMBLE_BENCH_BUDGET_START_ROUNDS ?? 3);
// The converge on simulated Pis needs root and the fleet image; 0 leaves it out.
const budgetPis = Number(process.env.BRAMBLE_BENCH_BUDGET_PIS ?? 100);
const convergeRounds = Math.max(1, Number(process.env.BRAMBLE_BENCH_BUDGET_CONVERGE_ROUNDS ?? 1));
const deployment = readFileSync(join(repo, 'charts/bramble/templates/deployment-bramble.yaml'), 'utf8');
const heapFlag = /--max-old-space-size=\d+/.exec(deployment)?.[0];
if (!heapFlag) throw new Error("the chart's Deployment sets no --max-old-space-size");
const mb = (b: number): string => `${Math.round(b / 1048576)} MB`;
const pct = (x: number | undefined): string => `${((x ?? 0) * 100).toFixed(0)}%`;

function prebuild(entry: string, name: string): string {
  const r = spawnSync(process.execPath, [join(repo, 'bench/lib/prebuilt-bundle.js'), entry, name], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bundling ${entry}: ${r.stderr}`);
  return r.stdout.trim();
}

function build(): string {
  const r = spawnSync(process.execPath, [join(repo, 'scripts/build.mjs')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stderr}`);
  return join(repo, 'dist/bramble.mjs');
}

interface Start {
  /** Spawn → the first connection to the Pi's SSH port (the listener). */
  ms: number;
  /** The operator's CPU time until then. */
  cpuMs: number;
}

async function startToFirstReconcile(
  image: string,
  kubeconfig: string,
  connected: () => Promise<number>,
  limit: CpuLimit | undefined,
): Promise<Start> {
  const home = mkdtempSync(join(tmpdir(), 'bramble-bench-budget-'));
  const args = [
    image,
    'run',
    '--kubeconfig',
    kubeconfig,
    '--metrics-bind-address',
    '0',
    '--health-probe-bind-address',
    '0',
    '--log-level',
    'error',
  ];
  const [command, argv] = limit ? limit.wrap(process.execPath, args) : [process.execPath, args];
  const first = connected();
  const started = performance.now();
  const child = spawn(command, argv, {
    cwd: repo,
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: home, NODE_OPTIONS: heapFlag },
    stdio: 'ignore',
  });
  try {
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`the operator exited (${code}) before its first reconcile`))),
    );
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no reconcile within 120 s')), 120_000).unref());
    const ms = (await Promise.race([first, exited, timeout])) - started;
    return { ms, cpuMs: cpuMsOf(child.pid!) };
  } finally {
    await stopChild(child);
    rmSync(home, { recursive: true, force: true });
  }
}

async function benchStart(image: string, limit: CpuLimit): Promise<{ budget: Start[]; unlimited: Start[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bench-budget-'));
  const cp = await startControlPlaneProcess(dir);
  // A stand-in Pi: only the moment its SSH port is dialled matters; the connection is dropped.
  let onConnection: ((at: number) => void) | undefined;
  const pi = createServer((socket: Socket) => {
    onConnection?.(performance.now());
    onConnection = undefined;
    socket.destroy();
  });
  await new Promise<void>((resolve) => pi.listen(0, '127.0.0.1', resolve));
  const port = (pi.address() as { port: number }).port;
  const connected = (): Promise<number> => new Promise((resolve) => (onConnection = resolve));
  try {
    const kubectl = kubectlOn(cp.kubeconfig);
    await applyCrdsAndKey(kubectl, dir);
    const fixture = JSON.parse(readFileSync(join(repo, 'bench/fixtures/observe-converged.json'), 'utf8')) as {
      observe: { hostKey: string };
    };
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'bramble.dev/v1alpha1',
        kind: 'PiNode',
        metadata: { name: 'start-probe', namespace: 'default' },
        spec: {
          address: '127.0.0.1',
          port,
          ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKey: fixture.observe.hostKey },
          hostname: 'start-probe',
        },
      }),
    );
    const budget: Start[] = [];
    const unlimited: Start[] = [];
    for (let i = 0; i < startRounds; i++) {
      budget.push(await startToFirstReconcile(image, cp.kubeconfig, connected, limit));
      unlimited.push(await startToFirstReconcile(image, cp.kubeconfig, connected, undefined));
    }
    return { budget, unlimited };
  } finally {
    pi.close();
    await stopChild(cp.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

function convergeLines(c: BudgetConverge): string[] {
  const budget = median(c.budget.map((r) => r.ms));
  const unlimited = median(c.unlimited.map((r) => r.ms));
  const cpuOf = (runs: ConvergeRun[]): string => `${median(runs.map((r) => r.cpuMs)).toFixed(0)} ms`;
  const ratio = budget / unlimited;
  return [
    `| ${c.nodes} simulated Pis converge (apply → all Ready, median of ${c.budget.length}) | on the budget (operator CPU from spawn) | unlimited (its CPU) | ratio |`,
    `| node dist/bramble.mjs run, fleet reset before each run | ${(budget / 1000).toFixed(1)} s (${cpuOf(c.budget)}) | ${(unlimited / 1000).toFixed(1)} s (${cpuOf(c.unlimited)}) | ${ratio.toFixed(2)}× |`,
    `target: ${c.nodes} Pis converge on the budget within 1.5× of unlimited: ${ratio <= 1.5 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}×)`,
    c.leaks.length > 0 ? `the fleet left on the host after teardown: ${c.leaks.join(', ')}` : '',
  ];
}

let limit: CpuLimit;
try {
  limit = createCpuLimit(`bramble-budget-${process.pid}-${Date.now()}`, cores);
} catch (err) {
  process.stderr.write(`scale-budget: not run: ${(err as Error).message}\n`);
  process.exit(2);
}
try {
  const image = build();
  const operator = prebuild(join(repo, 'bench/lib/scale-operator.ts'), 'bench-scale-operator');
  const start = await benchStart(image, limit);
  const scale: ScaleFigures = await benchScale({
    operatorArgs: [operator],
    nodeOptions: heapFlag,
    wrap: limit.wrap,
    startedAs: `prebuilt bundle, ${heapFlag}, ${cores} core`,
    profileResync: true,
    save: false,
  });
  const converge =
    budgetPis > 0
      ? await budgetConverge(budgetPis, convergeRounds, image, heapFlag, limit, (l) => process.stderr.write(`${l}\n`))
      : undefined;
  const throttling = limit.throttling();
  const budget = median(start.budget.map((s) => s.ms));
  const unlimited = median(start.unlimited.map((s) => s.ms));
  const cpu = (runs: Start[]): string => `${median(runs.map((s) => s.cpuMs)).toFixed(0)} ms`;
  const profile = scale.resyncProfile;
  process.stdout.write(
    [
      `A Pi's budget: ${cores} of one core (cgroup ${limit.version} ${limit.version === 'v2' ? 'cpu.max' : 'CFS quota'}), ${heapFlag} (the chart's Deployment), started as the image starts it (a prebuilt bundle)`,
      `| operator start → first reconcile (median of ${startRounds}) | on the budget (its CPU) | unlimited (its CPU) | ratio |`,
      `| node dist/bramble.mjs run | ${budget.toFixed(0)} ms (${cpu(start.budget)}) | ${unlimited.toFixed(0)} ms (${cpu(start.unlimited)}) | ${(budget / unlimited).toFixed(2)}× |`,
      `| ${scale.nodes} PiNodes on the budget | full resync pass | resync period | ratio | peak RSS (VmHWM) | queued → first command in the pass p50 / p99 / max | spec change → first command p50 / p99 | CPU periods throttled (whole run) |`,
      `| replayed Pi after ${scale.replayDelayMs} ms | ${(scale.resyncPassMs / 1000).toFixed(1)} s | ${defaultResyncMs / 1000} s | ${(scale.resyncPassMs / defaultResyncMs).toFixed(2)}× | ${mb(scale.operatorPeakRssBytes)} | ${(scale.resyncWaitP50Ms / 1000).toFixed(1)} / ${(scale.resyncWaitP99Ms / 1000).toFixed(1)} / ${(scale.resyncWaitMaxMs / 1000).toFixed(1)} s | ${scale.eventP50Ms} / ${scale.eventP99Ms} ms | ${throttling.throttled} of ${throttling.periods} periods |`,
      `targets: full resync < 1 period: ${scale.resyncPassMs < defaultResyncMs ? 'met' : 'MISSED'} (${(scale.resyncPassMs / defaultResyncMs).toFixed(2)}×); peak RSS < 150 MB: ${scale.operatorPeakRssBytes < 150 * 1048576 ? 'met' : 'MISSED'} (${mb(scale.operatorPeakRssBytes)}); no reconcile starved (p99 queued → first command < 1 period): ${scale.resyncWaitP99Ms < defaultResyncMs ? 'met' : 'MISSED'} (${(scale.resyncWaitP99Ms / defaultResyncMs).toFixed(2)}×)`,
      profile
        ? `where the resync pass's CPU went (profile, a sample every 10 ms, ${profile.busySamples} busy): ReferencedSecrets.prepare ${pct(profile.inclusive.prepare)} inclusive, referencedSecrets (spec walk) ${pct(profile.inclusive.referencedSecrets)}; most self time: ${profile.topSelf.map((t) => `${t.name} ${pct(t.share)}`).join(', ')}`
        : '',
      ...(converge ? convergeLines(converge) : [`simulated Pis converging on the budget: not run (BRAMBLE_BENCH_BUDGET_PIS=0)`]),
      '',
    ].join('\n'),
  );
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(results, { recursive: true });
  writeFileSync(
    join(results, `budget-${new Date().toISOString().replace(/[:.]/g, '-')}.json`),
    `${JSON.stringify(
      {
        cores,
        cgroup: limit.version,
        heapFlag,
        resyncPeriodMs: defaultResyncMs,
        start,
        startBudgetMs: budget,
        startUnlimitedMs: unlimited,
        throttling,
        scale,
        converge,
      },
      null,
      2,
    )}\n`,
  );
} finally {
  limit.remove();
}
