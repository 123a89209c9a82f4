// Latency and throughput of the ssh2 executor against the local real sshd. Not a test: run it
// with `npx tsx test/sshd/bench-executor.ts` (or from bench/run.ts) and read the figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import { writeFileIfChanged } from '../../ssh/remote-file.ts';
import { startSshd } from './sshd-fixture.ts';

export interface ExecutorFigures {
  connectAndFirstExecMs: number;
  pooledExecP50Ms: number;
  pooledExecP95Ms: number;
  concurrentCommandsPerSecond: number;
  writeUnchangedP50Ms: number;
  writeChangedP50Ms: number;
}

export async function benchExecutor(rounds = 100): Promise<ExecutorFigures> {
  const sshd = await startSshd();
  const executor = new Ssh2Executor();
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bench-'));
  try {
    const target = sshd.target();
    let started = performance.now();
    await executor.exec(target, 'true');
    const connectAndFirstExecMs = performance.now() - started;

    const sequential: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      await executor.exec(target, 'true');
      sequential.push(performance.now() - t0);
    }

    started = performance.now();
    await Promise.all(Array.from({ length: rounds }, () => executor.exec(target, 'true')));
    const concurrentCommandsPerSecond = rounds / ((performance.now() - started) / 1000);

    const path = join(dir, 'file');
    const unchanged: number[] = [];
    const changed: number[] = [];
    for (let i = 0; i < Math.min(rounds, 30); i++) {
      let t0 = performance.now();
      await writeFileIfChanged(executor, target, { path, content: `content ${i}\n` });
      changed.push(performance.now() - t0);
      t0 = performance.now();
      await writeFileIfChanged(executor, target, { path, content: `content ${i}\n` });
      unchanged.push(performance.now() - t0);
    }
    return {
      connectAndFirstExecMs,
      pooledExecP50Ms: percentile(sequential, 0.5),
      pooledExecP95Ms: percentile(sequential, 0.95),
      concurrentCommandsPerSecond,
      writeUnchangedP50Ms: percentile(unchanged, 0.5),
      writeChangedP50Ms: percentile(changed, 0.5),
    };
  } finally {
    await executor.close();
    await sshd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await benchExecutor();
  for (const [name, value] of Object.entries(figures)) console.log(`${name}\t${value.toFixed(1)}`);
}
