// PiNode reconciler figures for `npm run bench` (the lead registers it in bench/run.ts), or alone:
// `npx tsx reconcilers/pinode/pinode.bench.ts`.
//  - SSH round trips per scenario, counted through the recording executor (the benchmark issue's
//    budget: a no-change resync is exactly one exec, a converge is observe + one apply);
//  - what the observe script costs on a real Debian host (run with sh here, no SSH);
//  - parse and plan cost in the controller;
//  - a real converge and a real no-change resync in a namespace sandbox (root only).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { canUseNamespaceSandbox, startNamespaceSandbox } from '../shared/namespace-sandbox.test-support.ts';
import type { ReconcileContext } from '../contract.ts';
import { context, convergedPi, FakePi, freshPi, node, t0 } from './fake-pi.test-support.ts';
import { observeScript } from './observe-script.ts';
import { parseObserved } from './observe.ts';
import { planPiNode } from './plan.ts';
import { piNodeReconciler } from './reconciler.ts';
import type { PiNodeStatus } from './pinode-types.ts';

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeMs(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

async function roundTrips(rows: [string, string][]): Promise<void> {
  const pi = new FakePi(freshPi());
  const count = async (what: string, run: () => Promise<{ status: PiNodeStatus }>) => {
    const before = pi.calls.length;
    const applies = pi.applies.length;
    const result = await run();
    rows.push([`round trips: ${what}`, `${pi.calls.length - before} exec (${pi.applies.length - applies} mutating)`]);
    return result.status;
  };
  const paused = await count('paused, fresh Pi', () => piNodeReconciler.reconcile(node({ paused: true }), context(pi.executor, t0)));
  const converged = await count('converge, fresh Pi (6 steps)', () =>
    piNodeReconciler.reconcile(node({}, paused), context(pi.executor, t0)),
  );
  pi.state = convergedPi();
  const resynced = await count('no-change resync', () => piNodeReconciler.reconcile(node({}, converged), context(pi.executor, t0)));
  pi.state = { ...convergedPi(), hostname: 'by-hand' };
  await count('drift correction', () => piNodeReconciler.reconcile(node({}, resynced), context(pi.executor, t0)));
}

function localCosts(rows: [string, string][]): void {
  const scope = { users: ['root', 'pi', 'alice'], groups: ['video', 'gpio'], packages: ['coreutils', 'openssh-server', 'htop'] };
  const script = observeScript(scope, 'benchmark1');
  let blob = '';
  const runs = Array.from({ length: 30 }, () => timeMs(() => (blob = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8' }).stdout)));
  rows.push([
    'observe script on this host (sh, no SSH), median of 30',
    `${median(runs).toFixed(1)} ms; ${script.length} bytes in, ${blob.length} bytes out`,
  ]);

  const fixture = readFileSync(new URL('./fixtures/pi3bplus.observe.txt', import.meta.url), 'utf8');
  const fixtureScope = { users: ['pi', 'alice'], groups: ['gpio'], packages: ['git'] };
  const n = 5000;
  const parse = timeMs(() => {
    for (let i = 0; i < n; i++) parseObserved(fixture, 'fixture', fixtureScope);
  });
  rows.push(['parse one observe blob (Pi 3B+ recording)', `${((parse / n) * 1000).toFixed(1)} µs`]);
  const { state } = parseObserved(fixture, 'fixture', fixtureScope);
  const spec = node().spec;
  const plan = timeMs(() => {
    for (let i = 0; i < n; i++) planPiNode(spec, state);
  });
  rows.push(['plan a fresh Pi (6 steps)', `${((plan / n) * 1000).toFixed(1)} µs`]);
}

async function sandboxConverge(rows: [string, string][]): Promise<void> {
  if (!canUseNamespaceSandbox()) {
    rows.push(['real converge in a namespace sandbox', 'skipped (needs root)']);
    return;
  }
  const sandbox = await startNamespaceSandbox();
  try {
    const spec = {
      hostname: 'bench-pi',
      timezone: 'Europe/Berlin',
      users: [
        { name: 'alice', groups: ['video'], authorizedKeys: ['ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBenchBenchBenchBench alice@bench'] },
      ],
    };
    const ctx = (): ReconcileContext => ({ ...context(sandbox.executor, new Date()), executor: sandbox.executor });
    let start = performance.now();
    const first = await piNodeReconciler.reconcile(node(spec), ctx());
    rows.push([
      'real converge: hostname, hosts, timezone, user, keys (observe + apply)',
      `${(performance.now() - start).toFixed(0)} ms, ${sandbox.executor.calls.length} exec`,
    ]);
    const resyncs: number[] = [];
    let status = first.status;
    for (let i = 0; i < 10; i++) {
      start = performance.now();
      status = (await piNodeReconciler.reconcile(node(spec, status), ctx())).status;
      resyncs.push(performance.now() - start);
    }
    rows.push([
      'real no-change resync (observe only), median of 10',
      `${median(resyncs).toFixed(0)} ms, ${sandbox.executor.calls.length - 2 - 9} exec each`,
    ]);
  } finally {
    sandbox.stop();
  }
}

export default async function benchPiNode(): Promise<void> {
  const rows: [string, string][] = [];
  await roundTrips(rows);
  localCosts(rows);
  await sandboxConverge(rows);
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write('\nPiNode reconciler\n');
  for (const [what, figure] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${figure}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchPiNode();
}
