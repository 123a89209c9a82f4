// Gauge samples for Slurm, pure like the PiNode ones: nodes by cluster/partition/state from a
// partition's status, and jobs pending/running per partition from the last observe. Labels are
// bounded: namespace, cluster and partition names, and state from a fixed set of six.
import type { SlurmPartitionStatus } from './types.ts';
import type { JobCounts } from './parse-sinfo.ts';

export interface GaugeSample {
  name: string;
  help: string;
  labels: Record<string, string>;
  value: number;
}

export const slurmGaugeHelp: Record<string, string> = {
  bramble_slurm_nodes: 'Nodes of a SlurmPartition by Slurm state (idle, allocated, mixed, drained, down, total)',
  bramble_slurm_partition_up: '1 when Slurm reports the partition UP, else 0',
  bramble_slurm_jobs: 'Jobs in a Slurm partition by state (pending, running)',
};

const nodeStates = ['total', 'idle', 'allocated', 'mixed', 'drained', 'down'] as const;

export function slurmPartitionGaugeSamples(namespace: string, cluster: string, partition: string, status: SlurmPartitionStatus | undefined): GaugeSample[] {
  const labels = { namespace, cluster, partition };
  const out: GaugeSample[] = [];
  const counts = status?.nodeCounts;
  if (counts) {
    for (const state of nodeStates) {
      out.push({ name: 'bramble_slurm_nodes', help: slurmGaugeHelp.bramble_slurm_nodes ?? '', labels: { ...labels, state }, value: counts[state] });
    }
  }
  if (status?.partitionState !== undefined) {
    out.push({ name: 'bramble_slurm_partition_up', help: slurmGaugeHelp.bramble_slurm_partition_up ?? '', labels, value: status.partitionState === 'UP' ? 1 : 0 });
  }
  return out;
}

export function slurmJobGaugeSamples(namespace: string, cluster: string, jobs: ReadonlyMap<string, JobCounts>): GaugeSample[] {
  const out: GaugeSample[] = [];
  for (const [partition, counts] of [...jobs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const state of ['pending', 'running'] as const) {
      out.push({ name: 'bramble_slurm_jobs', help: slurmGaugeHelp.bramble_slurm_jobs ?? '', labels: { namespace, cluster, partition, state }, value: counts[state] });
    }
  }
  return out;
}

// Job counts are not part of the status schema; the last observed ones are kept here for the
// metrics collector (one entry per cluster, replaced on every observe, so it stays bounded).
const lastJobs = new Map<string, { namespace: string; cluster: string; jobs: ReadonlyMap<string, JobCounts> }>();

export function recordJobCounts(namespace: string, cluster: string, jobs: ReadonlyMap<string, JobCounts>): void {
  lastJobs.set(`${namespace}/${cluster}`, { namespace, cluster, jobs: new Map(jobs) });
}

export function forgetJobCounts(namespace: string, cluster: string): void {
  lastJobs.delete(`${namespace}/${cluster}`);
}

/** Samples for every cluster observed so far. */
export function allSlurmJobSamples(): GaugeSample[] {
  return [...lastJobs.values()].flatMap((e) => slurmJobGaugeSamples(e.namespace, e.cluster, e.jobs));
}
