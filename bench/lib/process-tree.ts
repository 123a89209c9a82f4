// Resident memory of a process and all its descendants, sampled from /proc while it runs, so a
// fan-out of forks (Ansible) and a single process (bramble) are compared on the same footing.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const pageBytes = 4096;
const ticks = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);

/** ppid of every live process, read from /proc/<pid>/stat. */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may contain spaces: fields start after the last ')'.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(entry), Number(rest[1]));
    } catch {
      // The process exited between readdir and read.
    }
  }
  return out;
}

/** The pid and every descendant of it. Pure over a ppid map. */
export function descendants(root: number, ppidOf: ReadonlyMap<number, number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of ppidOf) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  const seen: number[] = [];
  const todo = [root];
  while (todo.length > 0) {
    const pid = todo.pop() as number;
    if (seen.includes(pid)) continue;
    seen.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return seen;
}

function rssBytes(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * pageBytes;
  } catch {
    return 0;
  }
}

export function treeRssBytes(root: number): number {
  return descendants(root, parents()).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Samples a tree's RSS on an interval and keeps the peak; `stop()` returns it. */
export function samplePeakRss(root: number, everyMs = 100): { stop(): number } {
  let peak = treeRssBytes(root);
  const timer = setInterval(() => {
    peak = Math.max(peak, treeRssBytes(root));
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(peak, treeRssBytes(root));
    },
  };
}

/** The kernel's own peak RSS (VmHWM) of each live process in the tree, summed: no sampling. */
export function treeHighWaterRssBytes(root: number): number {
  return descendants(root, parents()).reduce((sum, pid) => {
    try {
      const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      return sum + Number(kb ?? 0) * 1024;
    } catch {
      return sum;
    }
  }, 0);
}

/** utime + stime + cutime + cstime of a live process (children counted once reaped). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  // After "(comm) ", field 3 of the man page is index 0: utime is 14 → 11, stime 12, cutime 13, cstime 14.
  return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * (1000 / ticks);
}
