// GlusterVolume: a GlusterFS volume with bricks on PiNodes, mounted where asked. Data is never
// deleted unless reclaimPolicy says Delete.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import {
  AbsolutePath,
  Conditions,
  DataPath,
  LabelSelector,
  ObjectName,
  ObservedGeneration,
  PendingSteps,
  ReclaimPolicy,
} from './common.ts';
import { BoundedString, MapList, PatternString, SetOf, StringEnum } from './schema-kit.ts';
import { customResourceDefinitionOf } from './definition.ts';
import type { KindDefinition } from './definition.ts';
import type { Resource } from './resource.ts';

export const GlusterBricksSchema = Type.Object(
  {
    nodeSelector: Type.Optional(
      LabelSelector('PiNodes that hold a brick, ordered by name. Use nodeNames instead to fix the order of replica sets.'),
    ),
    nodeNames: Type.Optional(
      SetOf(ObjectName('A PiNode name.'), 64, 'PiNodes that hold a brick, in order: consecutive bricks form a replica (or disperse) set.', {
        minItems: 1,
      }),
    ),
    path: DataPath(
      'Directory on each node under which Gluster creates the brick directory <volume name> (which must not exist yet); ' +
        'best on a USB disk, not the SD card. Brick PiNodes need an IPv4 address or a DNS name: GlusterFS 10 speaks IPv4 unless every glusterd is reconfigured.',
    ),
    allowRootFilesystem: Type.Boolean({
      description: 'Allow bricks on the root filesystem (the SD card: small and slow). Refused unless true.',
      default: false,
    }),
  },
  {
    description: 'Where the bricks are: one per selected node.',
    'x-kubernetes-validations': [
      {
        rule: 'has(self.nodeSelector) != has(self.nodeNames)',
        message: 'give exactly one of nodeSelector and nodeNames',
      },
    ],
  },
);

/** The volume options bramble marks its own volumes with (see reconcilers/gluster/ownership.ts). */
export const glusterOwnerOptionPrefix = 'user.bramble.';

export const GlusterOptionSchema = Type.Object({
  name: PatternString(
    `Option name, e.g. performance.cache-size. Not ${glusterOwnerOptionPrefix}*: bramble's own marker.`,
    pattern.glusterOptionKey,
    128,
    {
      'x-kubernetes-validations': [
        {
          rule: `!self.startsWith('${glusterOwnerOptionPrefix}')`,
          message: `${glusterOwnerOptionPrefix}* options are bramble's ownership marker and cannot be set from the spec`,
        },
      ],
    },
  ),
  value: PatternString('Option value: one word, no spaces or quotes (e.g. 64MB, on, 10.0.0.*).', pattern.glusterOptionValue, 256),
});

export const GlusterMountSchema = Type.Object(
  {
    nodeSelector: LabelSelector('PiNodes that mount the volume. An empty selector selects every PiNode.'),
    path: DataPath('Mount point (created when missing), e.g. /mnt/shared.'),
  },
  { description: 'Where the volume is mounted (fstab entry with _netdev and backup-volfile-servers).' },
);

const brickMultiple =
  "(self.type == 'Replicate' && has(self.replica) ? self.replica : (self.type == 'Disperse' && has(self.disperse) ? self.disperse : 1))";

export const GlusterVolumeSpecSchema = Type.Object(
  {
    volumeName: Type.Optional(PatternString('Gluster volume name; defaults to metadata.name.', pattern.glusterVolumeName, 64)),
    type: StringEnum(
      ['Replicate', 'Disperse', 'Distribute'] as const,
      'Replicate keeps replica full copies; Disperse erasure-codes over disperse bricks; Distribute spreads files with no redundancy.',
      { default: 'Replicate' },
    ),
    replica: Type.Optional(Type.Integer({ description: 'Copies of each file (type Replicate).', minimum: 2, maximum: 16 })),
    arbiter: Type.Optional(
      Type.Integer({ description: 'Arbiter bricks per replica set (metadata only): 1, with replica 3.', minimum: 1, maximum: 1 }),
    ),
    disperse: Type.Optional(Type.Integer({ description: 'Bricks per disperse set (type Disperse).', minimum: 3, maximum: 32 })),
    redundancy: Type.Optional(
      Type.Integer({ description: 'Bricks per disperse set that may fail; less than half of disperse.', minimum: 1, maximum: 15 }),
    ),
    bricks: GlusterBricksSchema,
    options: Type.Optional(MapList(GlusterOptionSchema, ['name'], 64, 'Volume options (gluster volume set).')),
    mount: Type.Optional(GlusterMountSchema),
    reclaimPolicy: ReclaimPolicy,
  },
  {
    description: 'The volume and where its bricks and mounts are.',
    'x-kubernetes-validations': [
      {
        rule: "self.type != 'Replicate' || has(self.replica)",
        message: 'type Replicate needs replica (2 or more; 3 for an arbiter)',
        fieldPath: '.replica',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type == 'Replicate' || !has(self.replica)",
        message: 'replica applies only to type Replicate',
        fieldPath: '.replica',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "!has(self.arbiter) || (self.type == 'Replicate' && has(self.replica) && self.replica == 3)",
        message: 'arbiter 1 needs type Replicate with replica 3',
        fieldPath: '.arbiter',
      },
      {
        rule: "self.type != 'Disperse' || has(self.disperse)",
        message: 'type Disperse needs disperse (3 or more)',
        fieldPath: '.disperse',
        reason: 'FieldValueRequired',
      },
      {
        rule: "self.type == 'Disperse' || !has(self.disperse)",
        message: 'disperse applies only to type Disperse',
        fieldPath: '.disperse',
        reason: 'FieldValueForbidden',
      },
      {
        rule: "self.type == 'Disperse' || !has(self.redundancy)",
        message: 'redundancy applies only to type Disperse',
        fieldPath: '.redundancy',
        reason: 'FieldValueForbidden',
      },
      {
        rule: '!has(self.disperse) || !has(self.redundancy) || 2 * self.redundancy < self.disperse',
        message: 'redundancy must be less than half of disperse (e.g. disperse 3, redundancy 1)',
        fieldPath: '.redundancy',
      },
      {
        rule: `!has(self.bricks.nodeNames) || size(self.bricks.nodeNames) % ${brickMultiple} == 0`,
        messageExpression: `'a ' + self.type + ' volume needs bricks in multiples of ' + string(${brickMultiple}) + ', got ' + string(size(self.bricks.nodeNames))`,
        fieldPath: '.bricks.nodeNames',
      },
    ],
  },
);

export const GlusterBrickStatusSchema = Type.Object({
  node: ObjectName('PiNode holding the brick.'),
  path: AbsolutePath('Brick directory.'),
  online: Type.Boolean({ description: 'Whether the brick process is online.' }),
});

const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const GlusterOwnedBrickSchema = Type.Object({
  node: Type.Optional(ObjectName('PiNode that held the brick when it was recorded.')),
  host: PatternString("The brick's host as Gluster names it (the PiNode address).", '^[A-Za-z0-9][A-Za-z0-9.:-]*$', 253),
  path: AbsolutePath('Brick directory.'),
});

export const GlusterOwnedMountSchema = Type.Object({
  node: ObjectName('PiNode where bramble wrote the fstab line and mounted the volume.'),
  path: AbsolutePath('Mount point.'),
});

export const GlusterOwnedSchema = Type.Object(
  {
    volumeName: PatternString('The Gluster volume this resource created.', pattern.glusterVolumeName, 64),
    volumeId: PatternString("Its Gluster volume ID: the same UUID as each brick's trusted.glusterfs.volume-id.", uuid, 36),
    bricks: MapList(GlusterOwnedBrickSchema, ['host', 'path'], 128, "The volume's bricks as Gluster listed them."),
    mounts: Type.Optional(
      MapList(GlusterOwnedMountSchema, ['node', 'path'], 128, 'Where bramble wrote an fstab line for the volume and mounted it.'),
    ),
  },
  {
    description:
      'What this resource created on the Pis, recorded once the volume carried its user.bramble.owner marker. ' +
      'reclaimPolicy Delete removes only what this record and the marker on the Pi both name; never dropped while the resource exists.',
  },
);

export const GlusterVolumeStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
    volumeName: Type.Optional(PatternString('The Gluster volume name in use.', pattern.glusterVolumeName, 64)),
    volumeState: Type.Optional(BoundedString('Volume state as gluster reports it: Created, Started, Stopped.', 32)),
    bricksOnline: Type.Optional(Type.Integer({ description: 'Bricks online.', minimum: 0 })),
    bricksTotal: Type.Optional(Type.Integer({ description: 'Bricks in the volume.', minimum: 0 })),
    bricks: Type.Optional(MapList(GlusterBrickStatusSchema, ['node', 'path'], 128, 'Each brick and whether it is online.')),
    peersConnected: Type.Optional(Type.Integer({ description: 'Peers in the trusted pool that are connected.', minimum: 0 })),
    peersTotal: Type.Optional(Type.Integer({ description: 'Peers the volume needs.', minimum: 0 })),
    healPendingEntries: Type.Optional(
      Type.Integer({ description: 'Entries waiting for self-heal (gluster volume heal VOL info summary).', minimum: 0, format: 'int64' }),
    ),
    rebalance: Type.Optional(BoundedString('Rebalance state: not started, in progress, completed, failed.', 64)),
    mountedNodes: Type.Optional(SetOf(ObjectName('A PiNode name.'), 128, 'PiNodes where the volume is mounted.')),
    pendingSteps: Type.Optional(PendingSteps),
    owned: Type.Optional(GlusterOwnedSchema),
  },
  { description: 'What Gluster reports. Ready when every brick is online and no heal is pending.' },
);

export type GlusterVolumeType = GlusterVolumeSpec['type'];
export type GlusterBricks = Static<typeof GlusterBricksSchema>;
export type GlusterOption = Static<typeof GlusterOptionSchema>;
export type GlusterMount = Static<typeof GlusterMountSchema>;
export type GlusterVolumeSpec = Static<typeof GlusterVolumeSpecSchema>;
export type GlusterBrickStatus = Static<typeof GlusterBrickStatusSchema>;
export type GlusterOwned = Static<typeof GlusterOwnedSchema>;
export type GlusterOwnedBrick = Static<typeof GlusterOwnedBrickSchema>;
export type GlusterOwnedMount = Static<typeof GlusterOwnedMountSchema>;
export type GlusterVolumeStatus = Static<typeof GlusterVolumeStatusSchema>;
export type GlusterVolume = Resource<GlusterVolumeSpec, GlusterVolumeStatus>;

export const glusterVolumeDefinition: KindDefinition = {
  kind: 'GlusterVolume',
  plural: 'glustervolumes',
  singular: 'glustervolume',
  shortNames: ['glustervol', 'gv'],
  description: 'GlusterVolume is a GlusterFS volume with bricks on PiNodes.',
  spec: GlusterVolumeSpecSchema,
  status: GlusterVolumeStatusSchema,
  printerColumns: [
    { name: 'Type', type: 'string', jsonPath: '.spec.type', description: 'Volume type.' },
    { name: 'Bricks', type: 'integer', jsonPath: '.status.bricksTotal', description: 'Bricks in the volume.' },
    { name: 'Online', type: 'integer', jsonPath: '.status.bricksOnline', description: 'Bricks online.' },
    { name: 'Heal', type: 'integer', jsonPath: '.status.healPendingEntries', description: 'Entries waiting for self-heal.' },
  ],
  wideColumns: [
    { name: 'Volume', type: 'string', jsonPath: '.status.volumeName', description: 'Gluster volume name.' },
    { name: 'Reclaim', type: 'string', jsonPath: '.spec.reclaimPolicy', description: 'What deletion does to the data.' },
  ],
  rules: [
    {
      rule: `has(self.spec.volumeName) || !has(self.metadata.name) || self.metadata.name.matches('${pattern.glusterVolumeName}')`,
      message: 'metadata.name is not a Gluster volume name (letters, digits, _ and -, at most 64): set spec.volumeName',
      fieldPath: '.spec.volumeName',
      reason: 'FieldValueRequired',
    },
  ],
};

export const glusterVolumeCrd = customResourceDefinitionOf(glusterVolumeDefinition);
