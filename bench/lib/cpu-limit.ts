// A CPU limit for one process a benchmark starts: a cgroup of its own, created under a unique
// name beside this process's cgroup, with cgroup v2 `cpu.max` where the v2 hierarchy has the cpu
// controller, else cgroup v1 CFS quota. The started process puts itself into the cgroup before
// it execs, so nothing of it runs unlimited and nothing else is moved. Refuses (throws, saying
// why) rather than fall back to running without a limit.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CpuLimit {
  /** 'v2' (cpu.max) or 'v1' (cpu.cfs_quota_us). */
  readonly version: 'v1' | 'v2';
  readonly path: string;
  /** The command line that joins the cgroup, then execs `command args`. */
  wrap(command: string, args: readonly string[]): [string, string[]];
  /** Periods the cgroup ran in and those it was throttled in (the limit biting). */
  throttling(): { periods: number; throttled: number };
  /** Removes the cgroup; its processes must have exited. */
  remove(): void;
}

const periodUs = 100_000;

interface Mount {
  type: string;
  dir: string;
  options: string[];
}

function mounts(): Mount[] {
  return readFileSync('/proc/self/mounts', 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [, dir = '', type = '', options = ''] = line.split(' ');
      return { dir, type, options: options.split(',') };
    });
}

/** This process's cgroup path in a hierarchy: v2 is the `0::` line, a v1 controller its own line. */
function ownCgroup(controller: string | undefined): string {
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').trim().split('\n')) {
    const [, controllers = '', path = '/'] = line.split(':');
    if (controller === undefined ? controllers === '' : controllers.split(',').includes(controller)) return path;
  }
  return '/';
}

function stat(file: string): Map<string, number> {
  return new Map(
    readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => {
        const [k = '', v = '0'] = l.split(' ');
        return [k, Number(v)];
      }),
  );
}

function limitAt(version: 'v1' | 'v2', path: string): CpuLimit {
  return {
    version,
    path,
    // $1 is the cgroup; `exec` keeps the pid, so exactly the started process is in it.
    wrap: (command, args) => ['/bin/sh', ['-c', 'echo $$ > "$1/cgroup.procs" && shift && exec "$@"', 'sh', path, command, ...args]],
    throttling: () => {
      const s = stat(join(path, 'cpu.stat'));
      return { periods: s.get('nr_periods') ?? 0, throttled: s.get('nr_throttled') ?? 0 };
    },
    remove: () => rmdirSync(path),
  };
}

function tryV2(name: string, quotaUs: number): CpuLimit | string {
  const mount = mounts().find((m) => m.type === 'cgroup2');
  if (!mount) return 'no cgroup v2 hierarchy mounted';
  const parent = join(mount.dir, ownCgroup(undefined));
  // The controllers this process's cgroup may hand to a child: the cpu controller must be one.
  const controllers = existsSync(join(parent, 'cgroup.controllers')) ? readFileSync(join(parent, 'cgroup.controllers'), 'utf8') : '';
  if (!controllers.split(/\s+/).includes('cpu'))
    return `the cgroup v2 hierarchy at ${mount.dir} offers no cpu controller to ${parent} (${controllers.trim() || 'none'})`;
  try {
    if (!readFileSync(join(parent, 'cgroup.subtree_control'), 'utf8').split(/\s+/).includes('cpu'))
      writeFileSync(join(parent, 'cgroup.subtree_control'), '+cpu');
    const path = join(parent, name);
    mkdirSync(path);
    try {
      writeFileSync(join(path, 'cpu.max'), `${quotaUs} ${periodUs}`);
    } catch (err) {
      rmdirSync(path);
      throw err;
    }
    return limitAt('v2', path);
  } catch (err) {
    return `cgroup v2 cpu.max under ${parent}: ${(err as Error).message}`;
  }
}

function tryV1(name: string, quotaUs: number): CpuLimit | string {
  const mount = mounts().find((m) => m.type === 'cgroup' && m.options.includes('cpu'));
  if (!mount) return 'no cgroup v1 cpu hierarchy mounted';
  const path = join(mount.dir, ownCgroup('cpu'), name);
  try {
    mkdirSync(path);
    try {
      writeFileSync(join(path, 'cpu.cfs_period_us'), String(periodUs));
      writeFileSync(join(path, 'cpu.cfs_quota_us'), String(quotaUs));
    } catch (err) {
      rmdirSync(path);
      throw err;
    }
    return limitAt('v1', path);
  } catch (err) {
    return `cgroup v1 CFS quota at ${path}: ${(err as Error).message}`;
  }
}

/** A cgroup limiting its processes to `cores` of CPU (0.25: a quarter of one core). */
export function createCpuLimit(name: string, cores: number): CpuLimit {
  const quotaUs = Math.round(cores * periodUs);
  const v2 = tryV2(name, quotaUs);
  if (typeof v2 !== 'string') return v2;
  const v1 = tryV1(name, quotaUs);
  if (typeof v1 !== 'string') return v1;
  throw new Error(`no CPU limit can be set here: ${v2}; ${v1}`);
}
