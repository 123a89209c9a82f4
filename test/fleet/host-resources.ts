// Small host-side facts the harness checks before it acts: is this PID still the process we
// started, what is mounted, which processes sit in a cgroup.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where cgroups are made: the name=systemd and unified hierarchies on a hybrid host (like the
 * one these tests run on, whose PID 1 is not systemd), or the one unified tree on a pure v2 host.
 */
export const cgroupHierarchies = existsSync('/sys/fs/cgroup/cgroup.controllers')
  ? ['/sys/fs/cgroup']
  : ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'].filter((h) => existsSync(h));

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** True when `pid` is a systemd-nspawn running `machine`, so a reused PID is never signalled. */
export function isNspawnOf(pid: number, machine: string): boolean {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((a) => a.endsWith('systemd-nspawn')) && argv.includes(`--machine=${machine}`);
  } catch {
    return false;
  }
}

export function mountPoints(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => (line.split(' ')[4] ?? '').replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
}

export function isMounted(path: string): boolean {
  return mountPoints().includes(path);
}

/** Every PID in a cgroup and its descendants (name=systemd hierarchy, where the nodes live). */
export function cgroupPids(cgroup: string): number[] {
  const pids: number[] = [];
  const walk = (dir: string): void => {
    if (!existsSync(dir)) return;
    for (const line of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')) {
      if (line) pids.push(Number(line));
    }
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
    }
  };
  for (const hierarchy of cgroupHierarchies) walk(join(hierarchy, cgroup));
  return [...new Set(pids)];
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
