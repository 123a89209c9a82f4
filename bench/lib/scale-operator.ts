// The operator process of the scale benchmark: bramble's operator exactly as `bramble run`
// composes it (startBrambleOperator, loaded the way bin/bramble.js loads the sources), with only
// its executor replaced by the replay one, since 1,000 simulated Pis cannot be dialled here.
// The benchmark drives it over the IPC channel and reads its memory from /proc.
import { readFileSync } from 'node:fs';
import { startBrambleOperator } from '../../cli/operator.ts';
import { CountingExecutor } from '../../test/e2e/counting-executor.ts';
import { profileWindow, summariseProfile } from './cpu-profile.ts';
import { ReplayExecutor, type PiLook } from './replay-executor.ts';
import type { RecordedObserve } from './observe-recorder.ts';
import { timezone } from './workload.ts';
import type { ChildReply, ChildRequest, ScaleOperatorConfig } from './scale-protocol.ts';

const config = JSON.parse(process.env.BRAMBLE_BENCH_SCALE_CONFIG ?? '') as ScaleOperatorConfig;
const fixture = JSON.parse(readFileSync(config.fixture, 'utf8')) as { timezone: string; observe: RecordedObserve };
const looks = new Map<string, PiLook>(config.nodes.map((n) => [n.address, { hostname: n.hostname, timezone }]));
const replay = new ReplayExecutor(
  fixture.observe,
  fixture.timezone,
  config.delayMs,
  (host) => looks.get(host) ?? { hostname: 'unknown', timezone },
);
const counter = new CountingExecutor();
const send = (reply: ChildReply): void => void process.send?.(reply);

const operator = await startBrambleOperator({
  argv: ['--kubeconfig', config.kubeconfig, '--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--log-level', 'error'],
  wrapExecutor: () => counter.wrap(replay),
  // No periodic resync while measuring; the resync pass is started by the benchmark.
  tuning: { resyncMs: 3_600_000 },
});
await operator.manager.synced();

function readyCount(): number {
  return (operator.manager.informer('PiNode')?.list() ?? []).filter((o) => {
    const obj = o as {
      metadata: { generation?: number };
      status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] };
    };
    return (
      obj.status?.observedGeneration === obj.metadata.generation &&
      (obj.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
    );
  }).length;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function resyncPass(profile: boolean): Promise<ChildReply> {
  const controller = operator.manager.controller('PiNode');
  if (!controller) throw new Error('no PiNode controller');
  // Every 10 ms: a quarter of a core has little to spare for the profiler.
  const profiler = profile ? await profileWindow(10_000) : undefined;
  const mark = counter.calls.length;
  const t = Date.now();
  const cpu = process.cpuUsage();
  for (const n of config.nodes) controller.enqueue(`default/${n.name}`);
  while (counter.since(mark).filter((c) => c.done).length < config.nodes.length) await sleep(50);
  const d = process.cpuUsage(cpu);
  const ms = Date.now() - t;
  // All keys are queued at t; a key's first command is when its reconcile reached the Pi.
  const first = new Map<string, number>();
  for (const c of counter.since(mark)) if (!first.has(c.host)) first.set(c.host, c.at);
  const waitsMs = [...first.values()].map((at) => at - t);
  const summary = profiler ? summariseProfile(await profiler.stop(), ['prepare', 'referencedSecrets']) : undefined;
  return { type: 'resynced', ms, cpuMs: (d.user + d.system) / 1000, waitsMs, ...(summary ? { profile: summary } : {}) };
}

async function firstCall(host: string, since: number): Promise<ChildReply> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const call = counter.calls.find((c) => c.host === host && c.at >= since);
    if (call) return { type: 'firstCall', at: call.at };
    if (Date.now() > deadline) return { type: 'error', message: `no command for ${host} within 30 s` };
    await sleep(2);
  }
}

async function answer(req: ChildRequest): Promise<ChildReply> {
  switch (req.type) {
    case 'ready':
      return { type: 'ready', count: readyCount() };
    case 'resync':
      return resyncPass(req.profile ?? false);
    case 'look':
      looks.set(req.address, req.look);
      return { type: 'ok' };
    case 'firstCall':
      return firstCall(req.host, req.since);
    case 'memory':
      return { type: 'memory', usage: process.memoryUsage() };
    case 'stop':
      await operator.stop();
      // After the reply is out: with the channel closed nothing keeps the process alive.
      setImmediate(() => process.disconnect?.());
      return { type: 'ok' };
  }
}

process.on('message', (req: ChildRequest) => {
  answer(req).then(send, (err: unknown) => send({ type: 'error', message: err instanceof Error ? err.message : String(err) }));
});
send({ type: 'synced' });
