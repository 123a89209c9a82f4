// SlurmPartition: one partition of a Slurm cluster. Every SlurmPartition with the same
// clusterName in a namespace shares one slurm.conf, one controller and one munge key.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import { AbsolutePath, Conditions, LabelSelector, ObjectName, ObservedGeneration, PendingSteps, SecretReference } from './common.ts';
import { BoundedString, MapList, PatternString, StringEnum } from './schema-kit.ts';
import { customResourceDefinitionOf } from './definition.ts';
import type { KindDefinition } from './definition.ts';
import type { Resource } from './resource.ts';

/** slurm.conf lines bramble writes itself; extraConfig may not override them. */
export const slurmManagedKeys = [
  'ClusterName',
  'SlurmctldHost',
  'ControlMachine',
  'NodeName',
  'PartitionName',
  'AuthType',
  'CredType',
  'SlurmUser',
  'SlurmctldPort',
  'SlurmdPort',
  'Include',
  'NodeSet',
  'DownNodes',
  // Debian's package layout, and what the restart policy depends on (reconcilers/slurm/plan.ts).
  'StateSaveLocation',
  'SlurmdSpoolDir',
  'SlurmctldPidFile',
  'SlurmdPidFile',
  'SlurmdUser',
  'TreeWidth',
] as const;

/**
 * slurm.conf keys that run or load a program (as root, in slurmctld or slurmd, or as SlurmUser
 * with root's trust), or name a file root writes: whoever sets them runs code as root on every Pi
 * of the cluster. Plugin types (SchedulerType, SelectType…) stay allowed: they load a named
 * plugin from the fixed PluginDir, and the value pattern refuses paths with "..".
 */
export const slurmRootProgramKeys = [
  'Prolog',
  'Epilog',
  'PrologSlurmctld',
  'EpilogSlurmctld',
  'SrunProlog',
  'SrunEpilog',
  'TaskProlog',
  'TaskEpilog',
  'PlugStackConfig',
  'PluginDir',
  'HealthCheckProgram',
  'RebootProgram',
  'AuthInfo',
  'AuthAltTypes',
  'AuthAltParameters',
  'ResumeProgram',
  'SuspendProgram',
  'ResumeFailProgram',
  'MailProg',
  'JobSubmitPlugins',
  'JobCompLoc',
  'JobCompType',
  'UnkillableStepProgram',
  'SlurmctldPrimaryOnProg',
  'SlurmctldPrimaryOffProg',
  'SlurmctldPlugstack',
  'CliFilterPlugins',
  'PrEpPlugins',
  'NodeFeaturesPlugins',
  'BurstBufferType',
  'SlurmSchedLogFile',
  'SlurmctldLogFile',
  'SlurmdLogFile',
] as const;
const rootKeyList = slurmRootProgramKeys.map((k) => `'${k.toLowerCase()}'`).join(', ');

// slurm.conf keys are case-insensitive, so the rule compares lower-cased names.
const managedKeyList = slurmManagedKeys.map((k) => `'${k.toLowerCase()}'`).join(', ');

export const SlurmConfigEntrySchema = Type.Object(
  {
    name: PatternString('A slurm.conf parameter name.', pattern.slurmConfKey, 64),
    value: PatternString('Its value: one word, no spaces or quotes.', pattern.slurmConfValue, 256),
  },
  {
    'x-kubernetes-validations': [
      {
        rule: `!(self.name.lowerAscii() in [${managedKeyList}])`,
        messageExpression: `'bramble manages ' + self.name + ' itself'`,
        fieldPath: '.name',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export const SlurmPartitionSpecSchema = Type.Object(
  {
    clusterName: PatternString('Slurm ClusterName; partitions with the same one form one cluster.', pattern.slurmClusterName, 40, {
      default: 'bramble',
    }),
    controller: ObjectName('Name of the PiNode that runs slurmctld (it may also be selected as a compute node).'),
    nodeSelector: LabelSelector('PiNodes that run slurmd for this partition. An empty selector selects every PiNode.'),
    default: Type.Boolean({ description: 'Whether jobs that name no partition run here (Default=YES).', default: false }),
    maxTime: PatternString(
      'Longest a job may run: UNLIMITED, minutes, hours:minutes:seconds or days-hours[:minutes[:seconds]].',
      pattern.slurmTime,
      20,
      { default: 'UNLIMITED' },
    ),
    state: StringEnum(
      ['UP', 'DOWN', 'DRAIN', 'INACTIVE'] as const,
      'Partition State: UP runs jobs, DRAIN queues none, DOWN queues but runs none.',
      { default: 'UP' },
    ),
    mungeKeySecretRef: SecretReference(
      "Secret whose munge.key is the cluster's munge key; bramble creates it with a random key when missing before the cluster's first rollout; deleted later, the Pis keep their key and the partition asks for the Secret back; changed, the new key is rolled out.",
    ),
    reservedMemoryMiB: Type.Integer({
      description: 'Memory left to the OS on every node: RealMemory is total memory minus this.',
      minimum: 0,
      maximum: 65536,
      default: 256,
    }),
    extraConfig: Type.Optional(
      MapList(
        SlurmConfigEntrySchema,
        ['name'],
        32,
        'Extra slurm.conf parameters for the whole cluster, e.g. {name: SchedulerType, value: sched/backfill}. Parameters that run ' +
          `or load programs, or name files root writes (${slurmRootProgramKeys.join(', ')}), need allowRootPrograms.`,
      ),
    ),
    allowRootPrograms: Type.Optional(
      Type.Boolean({
        description:
          'ROOT-EQUIVALENT. Lets extraConfig set slurm.conf parameters that run or load programs (Prolog, Epilog, ' +
          'PlugStackConfig, PluginDir, HealthCheckProgram, RebootProgram, AuthInfo, JobSubmitPlugins, …): whoever may edit ' +
          'this partition can then run any program as root on every Pi of the cluster. Grant edit access to it only to ' +
          'those who are root there anyway.',
        default: false,
      }),
    ),
  },
  {
    description: 'The partition, its cluster and the PiNodes in it.',
    'x-kubernetes-validations': [
      {
        rule: `(has(self.allowRootPrograms) && self.allowRootPrograms) || !has(self.extraConfig) || self.extraConfig.all(e, !(e.name.lowerAscii() in [${rootKeyList}]))`,
        message:
          'extraConfig sets a parameter that runs or loads programs as root; set allowRootPrograms: true (root-equivalent) if that is meant',
        fieldPath: '.extraConfig',
        reason: 'FieldValueForbidden',
      },
    ],
  },
);

export const SlurmNodeCountsSchema = Type.Object(
  {
    total: Type.Integer({ description: 'Selected nodes.', minimum: 0 }),
    idle: Type.Integer({ description: 'Idle nodes.', minimum: 0 }),
    allocated: Type.Integer({ description: 'Fully allocated nodes.', minimum: 0 }),
    mixed: Type.Integer({ description: 'Partly allocated nodes.', minimum: 0 }),
    drained: Type.Integer({ description: 'Drained or draining nodes.', minimum: 0 }),
    down: Type.Integer({ description: 'Down or not responding nodes.', minimum: 0 }),
  },
  { description: 'Nodes by Slurm state, from sinfo.' },
);

export const SlurmNodeStatusSchema = Type.Object({
  name: ObjectName('PiNode name (the Slurm NodeName).'),
  state: BoundedString('Slurm state as scontrol reports it, e.g. IDLE, ALLOCATED, DRAINED.', 64),
  reason: Type.Optional(BoundedString("Slurm's reason, for drained or down nodes.", 256)),
});

export const SlurmJobCountsSchema = Type.Object(
  {
    pending: Type.Integer({ description: 'Jobs waiting to run.', minimum: 0 }),
    running: Type.Integer({ description: 'Jobs running.', minimum: 0 }),
  },
  { description: 'Jobs in this partition, from squeue.' },
);

export const SlurmStateSaveSchema = Type.Object(
  {
    node: ObjectName("PiNode whose StateSaveLocation holds the cluster's state (queued and running jobs)."),
    path: AbsolutePath('The StateSaveLocation on that Pi.'),
    clusterUid: PatternString(
      'UID in the bramble-owner marker bramble keeps there and on every Pi of the cluster.',
      '^[A-Za-z0-9-]{1,64}$',
      64,
    ),
  },
  {
    description:
      "Where the cluster's Slurm state is, as bramble created and marked it. A controller move is refused until the state was moved by hand (see the README).",
  },
);

export const SlurmPartitionStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
    controller: Type.Optional(ObjectName('The PiNode running slurmctld.')),
    partitionState: Type.Optional(BoundedString('Partition state as Slurm reports it.', 32)),
    configHash: Type.Optional(PatternString('sha256 of the slurm.conf on every node.', pattern.sha256Hex, 64)),
    nodeCounts: Type.Optional(SlurmNodeCountsSchema),
    jobs: Type.Optional(SlurmJobCountsSchema),
    nodes: Type.Optional(MapList(SlurmNodeStatusSchema, ['name'], 256, 'Each selected node and its Slurm state.')),
    stateSave: Type.Optional(SlurmStateSaveSchema),
    pendingSteps: Type.Optional(PendingSteps),
  },
  { description: 'What Slurm reports. Ready when the controller answers, every node is registered and usable, and the partition is UP.' },
);

export type SlurmConfigEntry = Static<typeof SlurmConfigEntrySchema>;
export type SlurmPartitionSpec = Static<typeof SlurmPartitionSpecSchema>;
export type SlurmNodeCounts = Static<typeof SlurmNodeCountsSchema>;
export type SlurmNodeStatus = Static<typeof SlurmNodeStatusSchema>;
export type SlurmPartitionStatus = Static<typeof SlurmPartitionStatusSchema>;
export type SlurmPartition = Resource<SlurmPartitionSpec, SlurmPartitionStatus>;

export const slurmPartitionDefinition: KindDefinition = {
  kind: 'SlurmPartition',
  plural: 'slurmpartitions',
  singular: 'slurmpartition',
  shortNames: ['slurmpart', 'spart'],
  description: 'SlurmPartition is one partition of a Slurm cluster running on PiNodes. Its name is the partition name.',
  spec: SlurmPartitionSpecSchema,
  status: SlurmPartitionStatusSchema,
  printerColumns: [
    { name: 'Cluster', type: 'string', jsonPath: '.spec.clusterName', description: 'Slurm cluster.' },
    { name: 'Controller', type: 'string', jsonPath: '.spec.controller', description: 'PiNode running slurmctld.' },
    { name: 'Nodes', type: 'integer', jsonPath: '.status.nodeCounts.total', description: 'Selected nodes.' },
    { name: 'Idle', type: 'integer', jsonPath: '.status.nodeCounts.idle', description: 'Idle nodes.' },
    { name: 'State', type: 'string', jsonPath: '.status.partitionState', description: 'Partition state in Slurm.' },
  ],
  wideColumns: [
    { name: 'MaxTime', type: 'string', jsonPath: '.spec.maxTime', description: 'Job time limit.' },
    { name: 'Default', type: 'boolean', jsonPath: '.spec.default', description: 'Default partition.' },
  ],
};

export const slurmPartitionCrd = customResourceDefinitionOf(slurmPartitionDefinition);
