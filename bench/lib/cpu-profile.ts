// BRAMBLE_BENCH_CPU_PROF=DIR: a V8 CPU profile of just the measured window (what --cpu-prof
// gives for the whole process, fleet setup included), written as DIR/<name>-<time>.cpuprofile.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
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
