// Gauge samples for Slurm, pure like the PiNode ones, from a partition's status: nodes by
// cluster/partition/state and jobs pending/running. Labels are bounded: namespace, cluster and
// partition names, and state from a fixed set.
import type { SlurmPartitionStatus } from './types.ts';
import type { GaugeSample } from '../../metrics/sample-gauges.ts';

export const slurmGaugeHelp: Record<string, string> = {
  bramble_slurm_nodes: 'Nodes of a SlurmPartition by Slurm state (idle, allocated, mixed, drained, down, total)',
  bramble_slurm_partition_up: '1 when Slurm reports the partition UP, else 0',
  bramble_slurm_jobs: 'Jobs in a Slurm partition by state (pending, running)',
};

const nodeStates = ['total', 'idle', 'allocated', 'mixed', 'drained', 'down'] as const;

export function slurmPartitionGaugeSamples(
  namespace: string,
  cluster: string,
  partition: string,
  status: SlurmPartitionStatus | undefined,
): GaugeSample[] {
  const labels = { namespace, cluster, partition };
  const out: GaugeSample[] = [];
  const counts = status?.nodeCounts;
  if (counts) {
    for (const state of nodeStates) {
      out.push({
        name: 'bramble_slurm_nodes',
        help: slurmGaugeHelp.bramble_slurm_nodes ?? '',
        labels: { ...labels, state },
        value: counts[state],
      });
    }
  }
  if (status?.jobs) {
    for (const state of ['pending', 'running'] as const) {
      out.push({
        name: 'bramble_slurm_jobs',
        help: slurmGaugeHelp.bramble_slurm_jobs ?? '',
        labels: { ...labels, state },
        value: status.jobs[state],
      });
    }
  }
  if (status?.partitionState !== undefined) {
    out.push({
      name: 'bramble_slurm_partition_up',
      help: slurmGaugeHelp.bramble_slurm_partition_up ?? '',
      labels,
      value: status.partitionState === 'UP' ? 1 : 0,
    });
  }
  return out;
}
