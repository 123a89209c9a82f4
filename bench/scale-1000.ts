// Scale without SSH: 1,000 PiNodes (BRAMBLE_BENCH_SCALE_NODES) on the embedded control plane (its
// own process) and the real operator, whose executor answers like a Pi after ~100 ms
// (BRAMBLE_BENCH_REPLAY_DELAY_MS) by replaying an observe output recorded from a real fleet node
// (bench/fixtures/observe-converged.json). Reports the time to all Ready, reconciles per second
// in a full resync pass, controller RSS, and spec change → first command latency p50/p99.
// `npm run bench scale`.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { runKubectl } from '../test/controlplane/harness.ts';
import { waitFor } from '../test/e2e/wait.ts';
import { CountingExecutor } from '../test/e2e/counting-executor.ts';
import { kubeConfigFromString } from '../controllers/kubeconfig.ts';
import { ApiClient } from '../controllers/api-client.ts';
import { mergePatchContentType } from '../controllers/object-writer.ts';
import { objectPath, resourceTypes } from '../controllers/resource-type.ts';
import { startBrambleOperator, type RunningOperator } from '../cli/operator.ts';
import { startControlPlaneProcess, stopChild } from './lib/bramble-round.ts';
import { samplePeakRss, treeRssBytes } from './lib/process-tree.ts';
import { ReplayExecutor, type PiLook } from './lib/replay-executor.ts';
import type { RecordedObserve } from './lib/observe-recorder.ts';
import { percentile } from './lib/stats.ts';
import { hostnameOf, piNodeDocs, timezone } from './lib/workload.ts';

const count = Number(process.env.BRAMBLE_BENCH_SCALE_NODES ?? 1000);
const delayMs = Number(process.env.BRAMBLE_BENCH_REPLAY_DELAY_MS ?? 100);
const latencySamples = Math.min(100, count);
const repo = fileURLToPath(new URL('../', import.meta.url));
const fixture = JSON.parse(readFileSync(new URL('./fixtures/observe-converged.json', import.meta.url), 'utf8')) as { timezone: string; observe: RecordedObserve };

// Addresses that are never dialled (the replay executor answers); one per PiNode.
const addressOf = (i: number): string => `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const mb = (b: number): string => `${Math.round(b / 1048576)} MB`;

export interface ScaleFigures {
  nodes: number;
  replayDelayMs: number;
  applyToAllReadyMs: number;
  resyncPassMs: number;
  reconcilesPerSecond: number;
  resyncCpuMsPerReconcile: number;
  operatorIdleRssBytes: number;
  operatorRssBytes: number;
  operatorPeakRssBytes: number;
  operatorHeapUsedBytes: number;
  controlPlanePeakRssBytes: number;
  eventP50Ms: number;
  eventP99Ms: number;
}

function readyCount(operator: RunningOperator): number {
  return (operator.manager.informer('PiNode')?.list() ?? []).filter((o) => {
    const obj = o as { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } };
    return obj.status?.observedGeneration === obj.metadata.generation && (obj.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
  }).length;
}

export default async function benchScale(): Promise<ScaleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-scale-'));
  const cp = await startControlPlaneProcess(dir);
  const cpPeak = samplePeakRss(cp.child.pid as number, 250);
  let operator: RunningOperator | undefined;
  try {
    const kubectl = async (args: string[], stdin?: string): Promise<void> => {
      const r = await runKubectl(cp.kubeconfig, args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    };
    await kubectl(['apply', '-f', join(repo, 'crds')]);
    // The operator checks the key before any SSH: a real one, though nothing dials with it.
    const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
    if (keygen.status !== 0) throw new Error(`ssh-keygen: ${keygen.stderr.toString()}`);
    await kubectl(['create', 'secret', 'generic', 'bramble-ssh-key', '--type', 'kubernetes.io/ssh-auth', `--from-file=ssh-privatekey=${join(dir, 'key')}`]);

    const nodes = Array.from({ length: count }, (_, i) => ({ name: `pi${i}`, address: addressOf(i), hostKey: fixture.observe.hostKey }));
    const looks = new Map<string, PiLook>(nodes.map((n) => [n.address, { hostname: hostnameOf(n.name), timezone }]));
    const replay = new ReplayExecutor(fixture.observe, fixture.timezone, delayMs, (host) => looks.get(host) ?? { hostname: 'unknown', timezone });
    const counter = new CountingExecutor();
    const kubeConfig = kubeConfigFromString(readFileSync(cp.kubeconfig, 'utf8'));
    operator = await startBrambleOperator({
      argv: ['--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--log-level', 'error'],
      kubeConfig,
      wrapExecutor: () => counter.wrap(replay),
      tuning: { resyncMs: 3_600_000 },
    });
    const op = operator;
    await op.manager.synced();
    (globalThis as { gc?: () => void }).gc?.();
    // What the operator holds before any PiNode exists: the per-object cost is what it adds.
    const idleRss = process.memoryUsage().rss;
    let peak = process.memoryUsage().rss;
    const rssTimer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);

    const t0 = Date.now();
    // kubectl apply in chunks: one 1,000-document stdin is fine too, chunks only bound memory.
    const docs = piNodeDocs(nodes, 'bramble-ssh-key').split('---\n');
    for (let i = 0; i < docs.length; i += 250) await kubectl(['apply', '-f', '-'], docs.slice(i, i + 250).join('---\n'));
    await waitFor(`${count} PiNodes Ready`, 900_000, async () => readyCount(op) === count, 200);
    const applyToAllReadyMs = Date.now() - t0;

    const controller = op.manager.controller('PiNode');
    if (!controller) throw new Error('no PiNode controller');
    await new Promise((r) => setTimeout(r, 1000));
    const mark = counter.calls.length;
    const t1 = Date.now();
    const cpu1 = process.cpuUsage();
    for (const n of nodes) controller.enqueue(`default/${n.name}`);
    await waitFor('resync pass', 600_000, async () => counter.since(mark).filter((c) => c.done).length >= count, 50);
    const resyncPassMs = Date.now() - t1;
    const cpuDelta = process.cpuUsage(cpu1);
    // Without SSH this is the reconcile's own cost: parse, plan, status, the API server round trips.
    const resyncCpuMsPerReconcile = (cpuDelta.user + cpuDelta.system) / 1000 / count;

    const api = new ApiClient(kubeConfig);
    const latencies: number[] = [];
    for (let i = 0; i < latencySamples; i++) {
      const n = nodes[Math.floor((i * count) / latencySamples)] as (typeof nodes)[number];
      // Each sampled node is a different one, still at the workload's zone: the patch changes it.
      const zone = 'Europe/Paris';
      // The replayed Pi shows the new zone at once, so the change costs one observe and no apply.
      looks.set(n.address, { hostname: hostnameOf(n.name), timezone: zone });
      const before = counter.calls.length;
      const sent = Date.now();
      await api.request('PATCH', objectPath(resourceTypes.PiNode, 'default', n.name), { body: { spec: { timezone: zone } }, contentType: mergePatchContentType, timeoutMs: 30_000 });
      await waitFor(`first command for ${n.name}`, 30_000, async () => counter.since(before).some((c) => c.host === n.address), 2);
      latencies.push((counter.since(before).find((c) => c.host === n.address)?.at ?? Number.NaN) - sent);
    }
    clearInterval(rssTimer);
    (globalThis as { gc?: () => void }).gc?.();
    const mem = process.memoryUsage();
    const figures: ScaleFigures = {
      nodes: count,
      replayDelayMs: delayMs,
      applyToAllReadyMs,
      resyncPassMs,
      reconcilesPerSecond: (count * 1000) / resyncPassMs,
      resyncCpuMsPerReconcile,
      operatorIdleRssBytes: idleRss,
      operatorRssBytes: mem.rss,
      operatorPeakRssBytes: Math.max(peak, mem.rss),
      operatorHeapUsedBytes: mem.heapUsed,
      controlPlanePeakRssBytes: Math.max(cpPeak.stop(), treeRssBytes(cp.child.pid as number)),
      eventP50Ms: percentile(latencies, 50),
      eventP99Ms: percentile(latencies, 99),
    };
    process.stdout.write([
      `Scale without SSH: ${count} PiNodes, real operator + embedded control plane, replayed observe of a real fleet node after ${delayMs} ms`,
      `| apply → all Ready | full resync pass | reconciles/s | operator CPU per no-change reconcile | operator RSS idle / after GC / peak | heap used | control plane peak RSS | spec change → first command p50 / p99 |`,
      `| ${(applyToAllReadyMs / 1000).toFixed(1)} s | ${(resyncPassMs / 1000).toFixed(1)} s | ${figures.reconcilesPerSecond.toFixed(1)} | ${resyncCpuMsPerReconcile.toFixed(2)} ms | ${mb(idleRss)} / ${mb(mem.rss)} / ${mb(figures.operatorPeakRssBytes)} | ${mb(mem.heapUsed)} | ${mb(figures.controlPlanePeakRssBytes)} | ${figures.eventP50Ms} / ${figures.eventP99Ms} ms |`,
      `targets: 1,000 PiNodes in < 150 MB controller RSS: ${figures.operatorPeakRssBytes < 150 * 1048576 ? 'met' : 'MISSED'} (peak ${mb(figures.operatorPeakRssBytes)}, of which ${mb(idleRss)} before any PiNode: ${(((figures.operatorPeakRssBytes - idleRss) / count) / 1024).toFixed(0)} KB per PiNode); event → first command p99 < 250 ms: ${figures.eventP99Ms < 250 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'));
    const results = fileURLToPath(new URL('./results/', import.meta.url));
    mkdirSync(results, { recursive: true });
    writeFileSync(join(results, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    return figures;
  } finally {
    await operator?.stop();
    await stopChild(cp.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchScale();
