// The SlurmPartition types this folder uses, from the schema in crds/ (the one source of truth),
// and the shapes shared between the cluster model, the conf generator and the planner.
export type {
  SlurmConfigEntry,
  SlurmNodeCounts,
  SlurmNodeStatus,
  SlurmPartition,
  SlurmPartitionSpec,
  SlurmPartitionStatus,
} from '../../crds/slurmpartition.ts';
export type { PiNode, PiNodeSpec, PiNodeStatus } from '../../crds/pinode.ts';

/** One slurmd host as slurm.conf describes it. */
export interface SlurmNodeSpec {
  /** NodeName: the PiNode's name. */
  name: string;
  /** NodeAddr: where slurmctld reaches it (PiNode spec.address). */
  address: string;
  cpus: number;
  realMemoryMiB: number;
}

/** One PartitionName line. */
export interface SlurmPartitionLine {
  name: string;
  nodes: string[];
  default: boolean;
  maxTime: string;
  state: 'UP' | 'DOWN' | 'DRAIN' | 'INACTIVE';
}

/** Everything one cluster's slurm.conf is made from. */
export interface SlurmClusterConfig {
  clusterName: string;
  controller: { name: string; hostname: string; address: string };
  nodes: SlurmNodeSpec[];
  partitions: SlurmPartitionLine[];
  extraConfig: { name: string; value: string }[];
}
