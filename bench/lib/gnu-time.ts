// Reads what GNU time (`/usr/bin/time -f '%e %U %S'`) wrote: wall, user and system seconds of a
// process and every descendant it waited for — how Ansible's whole process tree is charged. Pure.

export const gnuTimeFormat = 'bramble-time %e %U %S';

export interface TreeTimes {
  wallMs: number;
  cpuMs: number;
}

export function parseGnuTime(text: string): TreeTimes {
  const line = text.split('\n').find((l) => l.startsWith('bramble-time '));
  const fields = line?.split(/\s+/).slice(1).map(Number);
  if (!fields || fields.length < 3 || fields.some((f) => !Number.isFinite(f))) {
    throw new Error(`no GNU time figures in: ${text.slice(-200)}`);
  }
  const [wall, user, sys] = fields as [number, number, number];
  return { wallMs: Math.round(wall * 1000), cpuMs: Math.round((user + sys) * 1000) };
}
