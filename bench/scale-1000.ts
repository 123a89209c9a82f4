// Scale without SSH: 1,000 PiNodes (BRAMBLE_BENCH_SCALE_NODES) on the embedded control plane (its
// own process) and the real operator in its own process, started the way bin/bramble.js starts
// bramble (sources bundled in memory, no tsx, no extra node flags) so its RSS is what the image
// would show. Its executor answers like a Pi after ~100 ms (BRAMBLE_BENCH_REPLAY_DELAY_MS) by
// replaying an observe output recorded from a real fleet node (bench/fixtures/observe-converged.json).
// Reports the time to all Ready, reconciles per second in a full resync pass, the operator's RSS
// (idle, after the run, and the kernel's high-water mark) and spec change → first command p50/p99.
// `npm run bench scale`.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runKubectl, sshKeySecretArgs } from '../test/controlplane/harness.ts';
import { waitFor } from '../test/e2e/wait.ts';
import { kubeConfigFromString } from '../controllers/kubeconfig.ts';
import { ApiClient } from '../controllers/api-client.ts';
import { mergePatchContentType } from '../controllers/object-writer.ts';
import { objectPath, resourceTypes } from '../controllers/resource-type.ts';
import { startControlPlaneProcess, stopChild } from './lib/bramble-round.ts';
import { samplePeakRss, treeRssBytes } from './lib/process-tree.ts';
import type { ProfileSummary } from './lib/cpu-profile.ts';
import type { RecordedObserve } from './lib/observe-recorder.ts';
import type { ChildReply, ChildRequest, ScaleOperatorConfig } from './lib/scale-protocol.ts';
import { percentile } from './lib/stats.ts';
import { hostnameOf, piNodeDocs } from './lib/workload.ts';

const count = Number(process.env.BRAMBLE_BENCH_SCALE_NODES ?? 1000);
const delayMs = Number(process.env.BRAMBLE_BENCH_REPLAY_DELAY_MS ?? 100);
const latencySamples = Math.min(100, count);
const repo = fileURLToPath(new URL('../', import.meta.url));
const fixturePath = fileURLToPath(new URL('./fixtures/observe-converged.json', import.meta.url));
const fixture = JSON.parse(readFileSync(fixturePath, 'utf8')) as { timezone: string; observe: RecordedObserve };

// Addresses that are never dialled (the replay executor answers); one per PiNode.
const addressOf = (i: number): string => `10.250.${Math.floor(i / 250)}.${(i % 250) + 1}`;
const mb = (b: number): string => `${Math.round(b / 1048576)} MB`;

/** One request to the operator process and its reply (requests are sent one at a time). */
function ask<T extends ChildReply['type']>(child: ChildProcess, req: ChildRequest, expect: T): Promise<Extract<ChildReply, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`operator process exited (${code}) during ${req.type}`));
    child.once('exit', onExit);
    child.once('message', (reply: ChildReply) => {
      child.off('exit', onExit);
      if (reply.type === expect) resolve(reply as Extract<ChildReply, { type: T }>);
      else reject(new Error(`operator process answered ${req.type} with ${JSON.stringify(reply)}`));
    });
    child.send(req);
  });
}

function statusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb ?? 0) * 1024;
}

/** kubectl against a control plane; throws with its stderr when it fails. */
export function kubectlOn(kubeconfig: string): (args: string[], stdin?: string) => Promise<void> {
  return async (args, stdin) => {
    const r = await runKubectl(kubeconfig, args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  };
}

/** The CRDs and the SSH key Secret `bramble-ssh-key` the PiNodes name. */
export async function applyCrdsAndKey(kubectl: (args: string[]) => Promise<void>, dir: string): Promise<void> {
  await kubectl(['apply', '-f', join(repo, 'crds')]);
  // The operator checks the key before any SSH: a real one, though nothing dials with it.
  const keygen = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'key')]);
  if (keygen.status !== 0) throw new Error(`ssh-keygen: ${keygen.stderr.toString()}`);
  await kubectl(sshKeySecretArgs(join(dir, 'key')));
}

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
  /** In the resync pass, every key queued at once: queued → its first command, per key. */
  resyncWaitP50Ms: number;
  resyncWaitP99Ms: number;
  resyncWaitMaxMs: number;
  resyncProfile?: ProfileSummary;
}

export interface ScaleOptions {
  /** node's arguments for the operator process (default: scale-operator.ts bundled at start, as bin/bramble.js does). */
  operatorArgs?: string[];
  /** The operator's NODE_OPTIONS (default none: what bin/bramble.js gets outside the image). */
  nodeOptions?: string;
  /** Wraps the operator's command line (to start it inside a cgroup). */
  wrap?: (command: string, args: readonly string[]) => [string, string[]];
  /** How the operator was started, for the printed header. */
  startedAs?: string;
  /** A CPU profile of the resync pass, summarised in the figures. */
  profileResync?: boolean;
  /** Write bench/results/scale-….json (default true; a caller that saves its own says false). */
  save?: boolean;
}

export default async function benchScale(options: ScaleOptions = {}): Promise<ScaleFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-scale-'));
  const cp = await startControlPlaneProcess(dir);
  const cpPeak = samplePeakRss(cp.child.pid as number, 250);
  let operator: ChildProcess | undefined;
  try {
    const kubectl = kubectlOn(cp.kubeconfig);
    await applyCrdsAndKey(kubectl, dir);

    const nodes = Array.from({ length: count }, (_, i) => ({ name: `pi${i}`, address: addressOf(i), hostKey: fixture.observe.hostKey }));
    const config: ScaleOperatorConfig = {
      kubeconfig: cp.kubeconfig,
      fixture: fixturePath,
      delayMs,
      nodes: nodes.map((n) => ({ name: n.name, address: n.address, hostname: hostnameOf(n.name) })),
    };
    // By default no node flags: exactly what `node bin/bramble.js run` gets.
    const args = options.operatorArgs ?? [join(repo, 'bench/lib/bundled-child.js'), join(repo, 'bench/lib/scale-operator.ts')];
    const [command, argv] = options.wrap ? options.wrap(process.execPath, args) : [process.execPath, args];
    const op = spawn(command, argv, {
      env: { ...process.env, BRAMBLE_BENCH_SCALE_CONFIG: JSON.stringify(config), NODE_OPTIONS: options.nodeOptions ?? '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    operator = op;
    const pid = op.pid as number;
    await new Promise<void>((resolve, reject) => {
      op.once('message', (m: ChildReply) => (m.type === 'synced' ? resolve() : reject(new Error(JSON.stringify(m)))));
      op.once('exit', (code) => reject(new Error(`operator process exited (${code}) before its caches synced`)));
    });
    // What the operator holds before any PiNode exists (settled): the per-object cost is what it adds.
    await new Promise((r) => setTimeout(r, 3000));
    const idleRss = statusBytes(pid, 'VmRSS');

    const t0 = Date.now();
    // kubectl apply in chunks of 100: each stays well inside kubectl's 60 s timeout on a busy
    // machine, where the operator already reconciles the first chunks beside the control plane.
    const docs = piNodeDocs(nodes, 'bramble-ssh-key').split('---\n');
    for (let i = 0; i < docs.length; i += 100) await kubectl(['apply', '-f', '-'], docs.slice(i, i + 100).join('---\n'));
    await waitFor(`${count} PiNodes Ready`, 900_000, async () => (await ask(op, { type: 'ready' }, 'ready')).count === count, 200);
    const applyToAllReadyMs = Date.now() - t0;

    await new Promise((r) => setTimeout(r, 1000));
    const resync = await ask(op, { type: 'resync', profile: options.profileResync ?? false }, 'resynced');
    // Without SSH this is the reconcile's own cost: parse, plan, status, the API server round
    // trips; measured in the operator's own process.
    const resyncCpuMsPerReconcile = resync.cpuMs / count;

    const api = new ApiClient(kubeConfigFromString(readFileSync(cp.kubeconfig, 'utf8')));
    const latencies: number[] = [];
    try {
      for (let i = 0; i < latencySamples; i++) {
        const n = nodes[Math.floor((i * count) / latencySamples)] as (typeof nodes)[number];
        // Each sampled node is a different one, still at the workload's zone: the patch changes it.
        const zone = 'Europe/Paris';
        // The replayed Pi shows the new zone at once, so the change costs one observe and no apply.
        await ask(op, { type: 'look', address: n.address, look: { hostname: hostnameOf(n.name), timezone: zone } }, 'ok');
        const sent = Date.now();
        await api.request('PATCH', objectPath(resourceTypes.PiNode, 'default', n.name), {
          body: { spec: { timezone: zone } },
          contentType: mergePatchContentType,
          timeoutMs: 30_000,
        });
        const first = await ask(op, { type: 'firstCall', host: n.address, since: sent }, 'firstCall');
        latencies.push(first.at - sent);
      }
    } finally {
      api.close();
    }
    const mem = (await ask(op, { type: 'memory' }, 'memory')).usage;
    const rss = statusBytes(pid, 'VmRSS');
    // The kernel's high-water mark: the true peak, not a sample.
    const peak = statusBytes(pid, 'VmHWM');
    const figures: ScaleFigures = {
      nodes: count,
      replayDelayMs: delayMs,
      applyToAllReadyMs,
      resyncPassMs: resync.ms,
      reconcilesPerSecond: (count * 1000) / resync.ms,
      resyncCpuMsPerReconcile,
      operatorIdleRssBytes: idleRss,
      operatorRssBytes: rss,
      operatorPeakRssBytes: peak,
      operatorHeapUsedBytes: mem.heapUsed,
      controlPlanePeakRssBytes: Math.max(cpPeak.stop(), treeRssBytes(cp.child.pid as number)),
      eventP50Ms: percentile(latencies, 50),
      eventP99Ms: percentile(latencies, 99),
      resyncWaitP50Ms: percentile(resync.waitsMs, 50),
      resyncWaitP99Ms: percentile(resync.waitsMs, 99),
      resyncWaitMaxMs: Math.max(...resync.waitsMs),
      ...(resync.profile ? { resyncProfile: resync.profile } : {}),
    };
    process.stdout.write(
      [
        `Scale without SSH: ${count} PiNodes, real operator (own process, ${options.startedAs ?? 'started as bin/bramble.js starts it'}) + embedded control plane, replayed observe of a real fleet node after ${delayMs} ms`,
        `| apply → all Ready | full resync pass | reconciles/s | operator CPU per no-change reconcile | operator RSS idle / after the run / peak (VmHWM) | heap used | control plane peak RSS | spec change → first command p50 / p99 |`,
        `| ${(applyToAllReadyMs / 1000).toFixed(1)} s | ${(resync.ms / 1000).toFixed(1)} s | ${figures.reconcilesPerSecond.toFixed(1)} | ${resyncCpuMsPerReconcile.toFixed(2)} ms | ${mb(idleRss)} / ${mb(rss)} / ${mb(peak)} | ${mb(mem.heapUsed)} | ${mb(figures.controlPlanePeakRssBytes)} | ${figures.eventP50Ms} / ${figures.eventP99Ms} ms |`,
        `targets: 1,000 PiNodes in < 150 MB controller RSS: ${peak < 150 * 1048576 ? 'met' : 'MISSED'} (peak ${mb(peak)}, of which ${mb(idleRss)} before any PiNode: ${((peak - idleRss) / count / 1024).toFixed(0)} KB per PiNode); event → first command p99 < 250 ms: ${figures.eventP99Ms < 250 ? 'met' : 'MISSED'}`,
        '',
      ].join('\n'),
    );
    if (options.save ?? true) {
      const results = fileURLToPath(new URL('./results/', import.meta.url));
      mkdirSync(results, { recursive: true });
      writeFileSync(join(results, `scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(figures, null, 2)}\n`);
    }
    return figures;
  } finally {
    if (operator?.connected) await ask(operator, { type: 'stop' }, 'ok').catch(() => undefined);
    await stopChild(operator);
    await stopChild(cp.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchScale();
