// The image's start path: `node dist/bramble.mjs run` (the bundle the Dockerfile builds) against
// `node bin/bramble.js run` (bundles the sources with esbuild at every start, as the image did
// before), each on the embedded control plane in memory, from spawn to /readyz 200: wall time,
// CPU of the process and its children (esbuild's service included) and peak RSS of the tree.
// BRAMBLE_BENCH_START_ROUNDS (default 5) alternating rounds; medians are printed.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../test/free-port.ts';
import { cpuMsOf, samplePeakRss, treeHighWaterRssBytes } from './lib/process-tree.ts';
import { median } from './lib/stats.ts';
import { isReady } from './lib/http-ready.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));
const rounds = Number(process.env.BRAMBLE_BENCH_START_ROUNDS ?? 5);

interface Start {
  readyMs: number;
  cpuMs: number;
  peakRssMb: number;
}

async function start(entry: string): Promise<Start> {
  const home = mkdtempSync(join(tmpdir(), 'bramble-bench-start-'));
  const health = await freePort();
  const started = performance.now();
  const child = spawn(
    process.execPath,
    [
      entry,
      'run',
      '--in-memory',
      '--listen',
      '127.0.0.1:0',
      '--kubeconfig-out',
      join(home, 'kubeconfig'),
      '--health-probe-bind-address',
      `127.0.0.1:${health}`,
      '--metrics-bind-address',
      '0',
    ],
    {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: home, TMPDIR: home, NODE_ENV: 'production' },
      stdio: 'ignore',
    },
  );
  const peak = samplePeakRss(child.pid!, 20);
  try {
    while (!(await isReady(`http://127.0.0.1:${health}/readyz`))) {
      if (child.exitCode !== null) throw new Error(`${entry} exited ${child.exitCode}`);
      if (performance.now() - started > 120_000) throw new Error(`${entry}: not ready in 120 s`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const readyMs = performance.now() - started;
    const cpuMs = cpuMsOf(child.pid!);
    const peakRssMb = Math.max(peak.stop(), treeHighWaterRssBytes(child.pid!)) / 2 ** 20;
    return { readyMs, cpuMs, peakRssMb };
  } finally {
    peak.stop();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(home, { recursive: true, force: true });
  }
}

const build = spawnSync(process.execPath, [join(repo, 'scripts/build.mjs')], { encoding: 'utf8' });
if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stderr}`);
const contenders = {
  'node dist/bramble.mjs (image)': join(repo, 'dist/bramble.mjs'),
  'node bin/bramble.js (bundles at start)': join(repo, 'bin/bramble.js'),
};
const results = new Map<string, Start[]>(Object.keys(contenders).map((k) => [k, []]));
for (let i = 0; i < rounds; i++) {
  for (const [name, entry] of Object.entries(contenders)) results.get(name)!.push(await start(entry));
}
process.stdout.write(
  `Start path to /readyz on the embedded control plane (${rounds} alternating rounds, medians, Node ${process.version}):\n`,
);
for (const [name, runs] of results) {
  const m = (f: (s: Start) => number) => median(runs.map(f));
  process.stdout.write(
    `  ${name.padEnd(40)} ready ${m((s) => s.readyMs)
      .toFixed(0)
      .padStart(5)} ms   CPU ${m((s) => s.cpuMs)
      .toFixed(0)
      .padStart(5)} ms   peak RSS ${m((s) => s.peakRssMb).toFixed(1)} MB\n`,
  );
}
