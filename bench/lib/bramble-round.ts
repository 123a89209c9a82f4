// One bramble round on a fleet: the control plane in its own process (`bramble controlplane`),
// the operator in this one, exactly as `bramble run` composes it with only its executor wrapped
// to count commands. Measures converge, one no-change resync pass, and event latency.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fleet } from '../../test/fleet/fleet.ts';
import { runKubectl, sshKeySecretArgs } from '../../test/controlplane/harness.ts';
import { CountingExecutor } from '../../test/e2e/counting-executor.ts';
import { waitFor } from '../../test/e2e/wait.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { ApiClient } from '../../controllers/api-client.ts';
import { mergePatchContentType } from '../../controllers/object-writer.ts';
import { objectPath, resourceTypes } from '../../controllers/resource-type.ts';
import { startBrambleOperator, type RunningOperator } from '../../cli/operator.ts';
import { treeHighWaterRssBytes } from './process-tree.ts';
import { profileWindow, startCpuProfile } from './cpu-profile.ts';
import type { Profiler } from 'node:inspector';
import { ObserveRecorder, type RecordedObserve } from './observe-recorder.ts';
import { hostnameOf, piNodeDocs } from './workload.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface BrambleRound {
  convergeMs: number;
  convergeExecsPerNode: number;
  convergeCpuMs: number;
  resyncMs: number;
  resyncExecsPerNode: number;
  resyncMutating: number;
  resyncCpuMs: number;
  eventLatenciesMs: number[];
  operatorPeakRssBytes: number;
  controlPlanePeakRssBytes: number;
  recordedObserve?: RecordedObserve;
  /** Only in a profiled round: a V8 CPU profile of each measured phase. */
  profiles?: Partial<Record<BramblePhase, Profiler.Profile>>;
}

export type BramblePhase = 'converge' | 'resync' | 'event';

export async function startControlPlaneProcess(dir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    [join(repo, 'bin/bramble.js'), 'controlplane', '--in-memory', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  await waitFor(
    'control plane kubeconfig',
    60_000,
    async () => existsSync(kubeconfig) && readFileSync(kubeconfig, 'utf8').includes('server:'),
    100,
  );
  return { child, kubeconfig };
}

/** The CRDs and the fleet's client key as Secret `bramble-ssh-key`; returns a kubectl that throws on failure. */
export async function applyCrdsAndFleetKey(
  kubeconfig: string,
  dir: string,
  fleet: Fleet,
): Promise<(args: string[], stdin?: string) => Promise<void>> {
  const kubectl = async (args: string[], stdin?: string): Promise<void> => {
    const r = await runKubectl(kubeconfig, args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  };
  await kubectl(['apply', '-f', join(repo, 'crds')]);
  writeFileSync(join(dir, 'key'), fleet.clientKey.privateKey, { mode: 0o600 });
  await kubectl(sshKeySecretArgs(join(dir, 'key')));
  return kubectl;
}

export async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child?.pid || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** 1 ms: about 150 samples per reconcile-second, without the sampler dominating the CPU it measures. */
const profileIntervalUs = 1000;

const cpuMsSince = (u: NodeJS.CpuUsage): number => {
  const d = process.cpuUsage(u);
  return (d.user + d.system) / 1000;
};

function allReady(operator: RunningOperator, nodes: number, generationCurrent: boolean): boolean {
  const list = operator.manager.informer('PiNode')?.list() ?? [];
  return (
    list.length === nodes &&
    list.every((o) => {
      const obj = o as {
        metadata: { generation?: number };
        status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
      };
      const ready = (obj.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      return ready && (!generationCurrent || obj.status?.observedGeneration === obj.metadata.generation);
    })
  );
}

/**
 * `profiled`: sample the CPU of each phase (every `profileIntervalUs`) and return the profiles. The
 * sampling costs CPU itself, so a profiled round's figures are for finding where time goes, not
 * for the summary.
 */
export async function brambleRound(fleet: Fleet, latencyRounds: number, profiled = false): Promise<BrambleRound> {
  const profiles: Partial<Record<BramblePhase, Profiler.Profile>> = {};
  const phase = async <T>(name: BramblePhase, run: () => Promise<T>): Promise<T> => {
    if (!profiled) return run();
    const profiler = await profileWindow(profileIntervalUs);
    try {
      return await run();
    } finally {
      profiles[name] = await profiler.stop();
    }
  };
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bench-'));
  let cp: ChildProcess | undefined;
  let operator: RunningOperator | undefined;
  const nodes = fleet.nodes.length;
  try {
    const started = await startControlPlaneProcess(dir);
    cp = started.child;
    const kubectl = await applyCrdsAndFleetKey(started.kubeconfig, dir, fleet);

    const kubeConfig = kubeConfigFromString(readFileSync(started.kubeconfig, 'utf8'));
    const counter = new CountingExecutor();
    const hostnames = new Map(fleet.nodes.map((n) => [n.address, hostnameOf(n.name)]));
    const recorder = new ObserveRecorder((host) => hostnames.get(host));
    operator = await startBrambleOperator({
      argv: ['--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--log-level', 'error'],
      kubeConfig,
      wrapExecutor: (inner) => counter.wrap(recorder.wrap(inner)),
      // No periodic resync while measuring; the resync pass below is started by hand.
      tuning: { resyncMs: 3_600_000 },
    });
    const op = operator;
    await op.manager.synced();
    let operatorPeak = process.memoryUsage().rss;
    const rssTimer = setInterval(() => (operatorPeak = Math.max(operatorPeak, process.memoryUsage().rss)), 100);

    const profile = await startCpuProfile('converge-and-resync');
    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await phase('converge', async () => {
      await kubectl(['apply', '-f', '-'], piNodeDocs(fleet.nodes, 'bramble-ssh-key'));
      await waitFor(`${nodes} PiNodes Ready`, 600_000, async () => allReady(op, nodes, true), 20);
    });
    const convergeMs = Date.now() - t0;
    const convergeCpuMs = cpuMsSince(cpu0);
    const convergeExecs = counter.calls.length;

    // One no-change pass over every Pi, as the periodic resync makes it.
    await new Promise((r) => setTimeout(r, 500));
    const mark = counter.calls.length;
    const cpu1 = process.cpuUsage();
    const t1 = Date.now();
    const controller = op.manager.controller('PiNode');
    if (!controller) throw new Error('no PiNode controller');
    await phase('resync', async () => {
      for (const n of fleet.nodes) controller.enqueue(`default/${n.name}`);
      await waitFor(
        'resync pass',
        120_000,
        async () => {
          const window = counter.since(mark);
          return fleet.nodes.every((n) => window.some((c) => c.host === n.address && c.done));
        },
        10,
      );
    });
    const resyncMs = Date.now() - t1;
    // Let the pass's status writes (if any) land before reading the CPU.
    await new Promise((r) => setTimeout(r, 300));
    const resyncCpuMs = cpuMsSince(cpu1);
    await profile.stop();
    const window = counter.since(mark);
    // A converged Pi's observe, for the scale benchmark's replay (before the spec changes below).
    const recordedObserve = recorder.last;

    // Event latency: a spec change written to the API server → the first SSH command to that Pi.
    const api = new ApiClient(kubeConfig);
    const eventLatenciesMs: number[] = [];
    const zones = ['Europe/Paris', 'Europe/Berlin'];
    await phase('event', async () => {
      for (let round = 0; round < latencyRounds; round++) {
        for (const n of fleet.nodes) {
          const before = counter.calls.length;
          const sent = Date.now();
          await api.request('PATCH', objectPath(resourceTypes.PiNode, 'default', n.name), {
            body: { spec: { timezone: zones[round % 2] } },
            contentType: mergePatchContentType,
            timeoutMs: 30_000,
          });
          await waitFor(`first command for ${n.name}`, 30_000, async () => counter.since(before).some((c) => c.host === n.address), 5);
          const first = counter.since(before).find((c) => c.host === n.address);
          eventLatenciesMs.push((first?.at ?? Number.NaN) - sent);
        }
        await waitFor('Ready after the spec changes', 300_000, async () => allReady(op, nodes, true), 50);
      }
    });
    clearInterval(rssTimer);
    return {
      convergeMs,
      convergeExecsPerNode: convergeExecs / nodes,
      convergeCpuMs,
      resyncMs,
      resyncExecsPerNode: window.length / nodes,
      resyncMutating: window.filter((c) => c.kind !== 'observe').length,
      resyncCpuMs,
      eventLatenciesMs,
      operatorPeakRssBytes: operatorPeak,
      // Read once from the kernel: sampling /proc here would charge its own CPU to the operator.
      controlPlanePeakRssBytes: treeHighWaterRssBytes(cp.pid as number),
      ...(recordedObserve ? { recordedObserve } : {}),
      ...(profiled ? { profiles } : {}),
    };
  } finally {
    await operator?.stop();
    await stopChild(cp);
    rmSync(dir, { recursive: true, force: true });
  }
}
