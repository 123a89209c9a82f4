// Builds the stand-in `minio` executable: server.ts bundled into one CommonJS file (esbuild),
// turned into a Node single executable application (node's SEA blob injected into a copy of the
// running node binary with postject). The result is one self-contained ELF file, like MinIO's,
// that runs on the simulated Pis without Node installed. Cached by the hash of its inputs.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..');
/** Node's documented sentinel for SEA injection. */
const seaFuse = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface StandinBinary {
  path: string;
  sha256: string;
}

export function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function inputsHash(): string {
  const h = createHash('sha256').update(process.version).update(process.execPath);
  for (const name of readdirSync(here)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))
    .sort()) {
    h.update(name).update(readFileSync(join(here, name)));
  }
  h.update(readFileSync(join(repoRoot, 'node_modules/@20minutes/s3rver/package.json')));
  return h.digest('hex').slice(0, 16);
}

export async function buildStandin(cacheDir = join(tmpdir(), 'bramble-minio-standin')): Promise<StandinBinary> {
  const dir = join(cacheDir, inputsHash());
  const out = join(dir, 'minio');
  if (existsSync(out)) return { path: out, sha256: sha256File(out) };
  const work = `${dir}.build-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  try {
    const bundle = join(work, 'minio-standin.cjs');
    await build({
      entryPoints: [join(here, 'server.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      logLevel: 'error',
    });
    const blob = join(work, 'sea.blob');
    const seaConfig = join(work, 'sea-config.json');
    writeFileSync(seaConfig, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true }));
    await run(process.execPath, ['--experimental-sea-config', seaConfig]);
    const exe = join(work, 'minio');
    copyFileSync(process.execPath, exe);
    await run(process.execPath, [
      join(repoRoot, 'node_modules/postject/dist/cli.js'),
      exe,
      'NODE_SEA_BLOB',
      blob,
      '--sentinel-fuse',
      seaFuse,
    ]);
    chmodSync(exe, 0o755);
    rmSync(dir, { recursive: true, force: true });
    renameSync(work, dir);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { path: out, sha256: sha256File(out) };
}
