// Runs every benchmark file in bench/ (each in its own process, so memory figures are its
// own) and the benchmarks that live beside their code, then prints their figures. `npm run bench`
// [substring] runs only the files whose name contains it; BRAMBLE_BENCH_SKIP=a,b skips files
// whose name contains any of them. Benchmarks report; they never fail on speed.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';

const dir = fileURLToPath(new URL('./', import.meta.url));
const besideTheirCode = ['../reconcilers/pinode/pinode.bench.ts'].map((f) => join(dir, f));
const only = process.argv[2];
const skip = (process.env.BRAMBLE_BENCH_SKIP ?? '').split(',').filter(Boolean);
const files = [
  ...readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.endsWith('.test.ts'))
    .map((f) => join(dir, f)),
  ...besideTheirCode,
]
  .filter((f) => !only || basename(f).includes(only))
  .filter((f) => !skip.some((s) => basename(f).includes(s)))
  .sort((a, b) => basename(a).localeCompare(basename(b)));
let failed = 0;
for (const f of files) {
  process.stdout.write(`== ${basename(f)}\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', f], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stdout.write(`${basename(f)} failed (exit ${r.status ?? r.signal})\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
