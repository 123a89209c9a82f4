// Memory a node really costs the host: the proportional set size (shared pages split between
// their users) of every process in the node's cgroup, the nspawn supervisor included.
import { readFileSync } from 'node:fs';
import { cgroupPids } from './host-resources.ts';

export function cgroupPssBytes(cgroup: string): number {
  let kib = 0;
  for (const pid of cgroupPids(cgroup)) {
    try {
      const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (match) kib += Number(match[1]);
    } catch {
      // exited while we looked
    }
  }
  return kib * 1024;
}
