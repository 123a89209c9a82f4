// Where a secret must not be on the Pis themselves (issue 16): any file a local user can read,
// and any process's command line while bramble applies a change (the process list is readable by
// every local user). Files: the ones each node wrote (its overlay upper directory; the image's own
// files hold no secret of this fleet) that are readable by others (o+r) along a path others can
// search (o+x on every directory above); big files and executables are skipped (named in the
// count). Process lists: `ps` on every Pi, sampled while an apply runs; the digest of a file that
// holds a secret (the MinIO env file, the munge key) is one more form a secret takes there, since
// anyone who reads it can test guesses offline.
import { lstatSync, openSync, readSync, closeSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultFleet } from '../e2e/converged-fleet.ts';
import type { SecretValue, Source } from './secret-leaks.ts';

/** Files larger than this are not read (binaries and package payloads). */
const maxFileBytes = 1 << 20;
const skippedTrees = ['/proc', '/sys', '/dev', '/run', '/tmp'];

export interface WorldReadable {
  /** Path as the node sees it. */
  path: string;
  text: string;
}

/** Every directory from `path`'s parent up to / is searchable by others, in the node's merged view. */
function searchable(root: string, path: string, cache: Map<string, boolean>): boolean {
  const parts = path.split('/').filter(Boolean).slice(0, -1);
  let dir = '';
  for (const part of parts) {
    dir += `/${part}`;
    let ok = cache.get(dir);
    if (ok === undefined) {
      try {
        const st = lstatSync(join(root, dir));
        ok = st.isDirectory() && (st.mode & 0o001) !== 0;
      } catch {
        ok = false;
      }
      cache.set(dir, ok);
    }
    if (!ok) return false;
  }
  return true;
}

function head(file: string, bytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    return buf.subarray(0, readSync(fd, buf, 0, bytes, 0));
  } finally {
    closeSync(fd);
  }
}

/**
 * The files a node wrote that any local user can read: regular files in `upper` (the node's own
 * writes) whose mode in the merged `root` grants o+r and whose directories grant o+x.
 */
export function worldReadableFiles(root: string, upper: string): { files: WorldReadable[]; skipped: number } {
  const files: WorldReadable[] = [];
  let skipped = 0;
  const cache = new Map<string, boolean>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir)) {
      const path = `${rel}/${name}`;
      if (skippedTrees.some((t) => path === t || path.startsWith(`${t}/`))) continue;
      const inUpper = lstatSync(join(dir, name));
      if (inUpper.isDirectory()) {
        walk(join(dir, name), path);
        continue;
      }
      if (!inUpper.isFile()) continue;
      let st;
      try {
        st = lstatSync(join(root, path));
      } catch {
        continue;
      }
      if (!st.isFile() || (st.mode & 0o004) === 0 || !searchable(root, path, cache)) continue;
      if (st.size > maxFileBytes) {
        skipped++;
        continue;
      }
      const bytes = head(join(root, path), maxFileBytes);
      if (bytes.subarray(0, 4).toString('latin1') === '\x7fELF') {
        skipped++;
        continue;
      }
      files.push({ path, text: bytes.toString('latin1') });
    }
  };
  walk(upper, '');
  return { files, skipped };
}

/** Every Pi's world-readable files, as leak sources. */
export function piWorldReadableSources(ff: FaultFleet): { sources: Source[]; skipped: number } {
  const sources: Source[] = [];
  let skipped = 0;
  for (const n of ff.fleet.nodes) {
    const found = worldReadableFiles(ff.fleet.rootDir(n.name), ff.fleet.upperDir(n.name));
    skipped += found.skipped;
    for (const f of found.files) sources.push({ where: `${n.name}:${f.path} (world-readable)`, text: f.text });
  }
  return { sources, skipped };
}

/** Files on the Pis that hold a secret: their digests must not show in a process list. */
const secretFiles = ['/etc/default/minio', '/etc/munge/munge.key'];

/** The sha256 of each secret file on each Pi, as a secret of its own. */
async function secretFileDigests(ff: FaultFleet): Promise<SecretValue[]> {
  const out: SecretValue[] = [];
  for (const n of ff.fleet.nodes) {
    for (const file of secretFiles) {
      const r = await ff.fleet.exec(n.name, `[ -f ${file} ] && sha256sum < ${file} | cut -d ' ' -f 1`);
      const digest = r.stdout.trim();
      if (/^[0-9a-f]{64}$/.test(digest)) out.push({ label: `the sha256 of ${file}`, needles: [{ form: 'hex digest', value: digest }] });
    }
  }
  return out;
}

export interface ProcessLists {
  sources: Source[];
  /** Digests of the secret files before and after the window. */
  digests: SecretValue[];
  samples: number;
}

/**
 * Samples `ps` (every process's user and full command line) on every Pi until stopped, e.g.
 * across an apply that writes a secret file; keeps each distinct line once per Pi.
 */
export class ProcessListSampler {
  private readonly lines = new Map<string, Set<string>>();
  private samples = 0;
  private stopped = false;
  private loops: Promise<void>[] = [];
  private digests: SecretValue[] = [];

  private constructor(
    private readonly ff: FaultFleet,
    private readonly intervalMs: number,
  ) {}

  static async start(ff: FaultFleet, intervalMs = 200): Promise<ProcessListSampler> {
    const s = new ProcessListSampler(ff, intervalMs);
    s.digests = await secretFileDigests(ff);
    s.loops = ff.fleet.nodes.map((n) => s.loop(n.name));
    return s;
  }

  private async loop(node: string): Promise<void> {
    const seen = new Set<string>();
    this.lines.set(node, seen);
    while (!this.stopped) {
      const r = await this.ff.fleet.exec(node, 'ps -eww -o user=,args=').catch(() => undefined);
      if (r?.code === 0) {
        this.samples++;
        for (const line of r.stdout.split('\n')) if (line.trim()) seen.add(line);
      }
      await new Promise((resolve) => setTimeout(resolve, this.intervalMs));
    }
  }

  async stop(): Promise<ProcessLists> {
    this.stopped = true;
    await Promise.all(this.loops);
    const digests = [...this.digests, ...(await secretFileDigests(this.ff))];
    const sources = [...this.lines].map(([node, lines]) => ({ where: `ps on ${node}`, text: [...lines].join('\n') }));
    return { sources, digests, samples: this.samples };
  }
}
