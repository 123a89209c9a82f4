// Parses the fixed formats bramble asks sinfo and squeue for. `--json` exists in Debian's 22.05
// (openapi v0.0.38) but its layout changed in 23.02 (data_parser) and it exits 0 with an
// "errors" array when slurmctld is down; `-o` formats have been stable for years and fail with
// a non-zero exit, so they are what the observe script runs:
//   sinfo -h -o '%R|%a'        partition name | availability (up, down, drain, inact)
//   squeue -h -o '%i|%P|%T|%N' job id | partition(s) | job state (PENDING, RUNNING, …) | nodes

export interface SinfoPartition {
  name: string;
  /** UP, DOWN, DRAIN or INACTIVE, as slurm.conf spells it. */
  state: string;
}

const availability: Record<string, string> = { up: 'UP', down: 'DOWN', drain: 'DRAIN', inact: 'INACTIVE', inactive: 'INACTIVE' };

export function parseSinfoPartitions(output: string): SinfoPartition[] {
  const byName = new Map<string, string>();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [name, avail] = line.split('|');
    if (!name || avail === undefined) continue;
    // %R never carries the "*" of the default partition, but older sinfo %P does: strip it.
    byName.set(name.replace(/\*$/, ''), availability[avail.trim().toLowerCase()] ?? avail.trim().toUpperCase());
  }
  return [...byName].map(([name, state]) => ({ name, state }));
}

export interface JobCounts {
  pending: number;
  running: number;
}

/** Jobs per partition; a job queued in several partitions ("a,b") counts in each. */
export function parseSqueueCounts(output: string): Map<string, JobCounts> {
  const counts = new Map<string, JobCounts>();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    const [, partitions, state] = line.split('|');
    if (!partitions || !state) continue;
    const kind =
      state.trim() === 'PENDING' ? 'pending' : state.trim() === 'RUNNING' || state.trim() === 'COMPLETING' ? 'running' : undefined;
    if (!kind) continue;
    for (const p of partitions.split(',')) {
      const c = counts.get(p) ?? { pending: 0, running: 0 };
      c[kind]++;
      counts.set(p, c);
    }
  }
  return counts;
}

/** `scontrol ping` prints "Slurmctld(primary) at HOST is UP" when the controller answers. */
export function controllerAnswers(pingOutput: string): boolean {
  return /\bis UP\b/.test(pingOutput);
}
