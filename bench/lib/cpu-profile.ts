// BRAMBLE_BENCH_CPU_PROF=DIR: a V8 CPU profile of just the measured window (what --cpu-prof
// gives for the whole process, fleet setup included), written as DIR/<name>-<time>.cpuprofile.
// `profileWindow` profiles a window for a summary in the benchmark's own output instead.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session, type Profiler } from 'node:inspector/promises';
import { join } from 'node:path';

export async function startCpuProfile(name: string): Promise<{ stop(): Promise<void> }> {
  const dir = process.env.BRAMBLE_BENCH_CPU_PROF;
  if (!dir) return { stop: async () => {} };
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
    },
  };
}

/** Profiles this process from now until `stop()`, sampling every `intervalUs`. */
export async function profileWindow(intervalUs: number): Promise<{ stop(): Promise<Profiler.Profile> }> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      return profile;
    },
  };
}

export interface ProfileSummary {
  /** Samples the process was busy in (not idle). */
  busySamples: number;
  /** Per function asked for: the share of busy samples with it anywhere on the stack. */
  inclusive: Record<string, number>;
  /** The functions most samples were taken in (self), with their share of busy samples and where they are (file:line). */
  topSelf: { name: string; share: number; at: string }[];
}

/** Where a profile's busy time went. Pure. */
export function summariseProfile(
  profile: Pick<Profiler.Profile, 'nodes' | 'samples'>,
  functions: readonly string[],
  top = 5,
): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const nameOf = (id: number): string => byId.get(id)?.callFrame.functionName || '(anonymous)';
  const where = new Map<string, string>();
  const atOf = (id: number): string => {
    const frame = byId.get(id)?.callFrame;
    return frame?.url ? `${frame.url.replace(/^.*\/(?=[^/]+\/[^/]+$)/, '')}:${frame.lineNumber + 1}` : '';
  };
  const self = new Map<string, number>();
  const inclusive: Record<string, number> = Object.fromEntries(functions.map((f) => [f, 0]));
  let busy = 0;
  for (const id of profile.samples ?? []) {
    if (nameOf(id) === '(idle)') continue;
    busy++;
    self.set(nameOf(id), (self.get(nameOf(id)) ?? 0) + 1);
    if (!where.has(nameOf(id))) where.set(nameOf(id), atOf(id));
    const onStack = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) onStack.add(nameOf(at));
    for (const f of functions) if (onStack.has(f)) inclusive[f] = (inclusive[f] ?? 0) + 1;
  }
  const share = (n: number): number => (busy === 0 ? 0 : n / busy);
  return {
    busySamples: busy,
    inclusive: Object.fromEntries(Object.entries(inclusive).map(([f, n]) => [f, share(n)])),
    topSelf: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, share: share(n), at: where.get(name) ?? '' })),
  };
}
