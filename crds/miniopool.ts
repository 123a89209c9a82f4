// MinioPool: a distributed MinIO server across PiNodes, installed from a pinned binary.
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
  Port,
  ReclaimPolicy,
  SecretReference,
} from './common.ts';
import { BoundedString, MapList, PatternString, SetOf } from './schema-kit.ts';
import { customResourceDefinitionOf } from './definition.ts';
import type { KindDefinition } from './definition.ts';
import type { Resource } from './resource.ts';

export const MinioSourceSchema = Type.Object(
  {
    url: PatternString('Where each Pi downloads the minio binary (http or https; a LAN mirror works).', pattern.downloadUrl, 2048),
    sha256: PatternString('SHA-256 of the binary, 64 lower-case hex digits; nothing runs unless it matches.', pattern.sha256Hex, 64),
  },
  { description: 'The MinIO server binary, e.g. https://dl.min.io/server/minio/release/linux-arm64/minio and its digest.' },
);

export const MinioPortsSchema = Type.Object(
  {
    api: Port('S3 API port.', 9000),
    console: Port('Web console port.', 9001),
  },
  {
    description: 'TCP ports on every node.',
    default: {},
    'x-kubernetes-validations': [
      { rule: 'self.api != self.console', message: 'api and console need different ports', fieldPath: '.console' },
    ],
  },
);

export const MinioPoolSpecSchema = Type.Object(
  {
    nodeSelector: LabelSelector('PiNodes that run MinIO (4 or more for erasure coding). An empty selector selects every PiNode.'),
    drivesPerNode: Type.Integer({ description: 'Drives (data directories) on each node.', minimum: 1, maximum: 16, default: 1 }),
    drivePaths: SetOf(
      DataPath(
        'A data directory, ideally the mount point of its own disk. It must not exist yet, or be empty ' +
          "(lost+found aside), or already be this pool's; bramble marks it as this pool's with a root-only file .bramble-owner. " +
          "Not in, over or above any user's home on the Pi.",
      ),
      16,
      'One data directory per drive, the same on every node; as many as drivesPerNode. Fixed once MinIO has formatted the drives: ' +
        "MinIO cannot change a server pool's layout, so an edit is refused (Stalled, PoolLayoutChangeRefused).",
      { minItems: 1 },
    ),
    allowRootFilesystem: Type.Boolean({
      description: 'Allow drives on the root filesystem (the SD card). Refused unless true.',
      default: false,
    }),
    credentialsSecretRef: SecretReference('Secret with keys rootUser and rootPassword (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD).'),
    source: MinioSourceSchema,
    ports: MinioPortsSchema,
    serviceUser: PatternString(
      'System user MinIO runs as (created when missing, without a login shell). Not root, not the ' +
        "PiNode's SSH user or one of its users, and not an existing account with a login shell: the drives are chowned to it.",
      pattern.posixName,
      32,
      {
        default: 'minio-user',
        'x-kubernetes-validations': [
          { rule: "self != 'root'", message: 'serviceUser may not be root: MinIO runs as a system user of its own' },
        ],
      },
    ),
    reclaimPolicy: ReclaimPolicy,
  },
  {
    description: 'The pool: which Pis, which drives, which binary, which credentials.',
    'x-kubernetes-validations': [
      {
        rule: 'size(self.drivePaths) == (has(self.drivesPerNode) ? self.drivesPerNode : 1)',
        messageExpression:
          "'drivePaths lists ' + string(size(self.drivePaths)) + ' paths but drivesPerNode is ' + string(has(self.drivesPerNode) ? self.drivesPerNode : 1)",
        fieldPath: '.drivePaths',
      },
    ],
  },
);

export const MinioNodeStatusSchema = Type.Object({
  name: ObjectName('PiNode name.'),
  online: Type.Boolean({ description: 'Whether /minio/health/live answers.' }),
  drivesOnline: Type.Optional(Type.Integer({ description: 'Drives online on this node.', minimum: 0 })),
});

const uuid = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

export const MinioOwnedDriveSchema = Type.Object({
  node: ObjectName('PiNode that held the drive when it was recorded.'),
  host: PatternString('Its address, as it is in MINIO_VOLUMES.', '^[A-Za-z0-9][A-Za-z0-9.:-]*$', 253),
  path: AbsolutePath('The drive directory.'),
});

export const MinioOwnedSchema = Type.Object(
  {
    deploymentId: Type.Optional(
      PatternString('The MinIO deployment ID of the drives (the id in .minio.sys/format.json), once MinIO formatted them.', uuid, 36),
    ),
    drives: MapList(MinioOwnedDriveSchema, ['host', 'path'], 1024, 'Each drive directory bramble prepared and marked for this pool.'),
  },
  {
    description:
      "What this resource created on the Pis: each drive directory it marked with its .bramble-owner file (this resource's UID), " +
      'and the deployment MinIO formatted on them. reclaimPolicy Delete removes only drives this record and the marker on the Pi both name ' +
      '(and whose format.json, if any, has the recorded deployment ID); never dropped while the resource exists. Once it has a deploymentId, ' +
      "the pool's node set and drivePaths are fixed.",
  },
);

export const MinioPoolStatusSchema = Type.Object(
  {
    observedGeneration: Type.Optional(ObservedGeneration),
    conditions: Type.Optional(Conditions),
    endpoint: Type.Optional(BoundedString('S3 endpoint URL of one healthy node.', 2048)),
    nodesOnline: Type.Optional(Type.Integer({ description: 'Nodes whose MinIO is live.', minimum: 0 })),
    nodesTotal: Type.Optional(Type.Integer({ description: 'Selected nodes.', minimum: 0 })),
    drivesOnline: Type.Optional(Type.Integer({ description: 'Drives online across the pool.', minimum: 0 })),
    drivesTotal: Type.Optional(Type.Integer({ description: 'Drives in the pool.', minimum: 0 })),
    health: Type.Optional(BoundedString('Cluster health from /minio/health/cluster: Healthy, NoWriteQuorum, Unreachable.', 32)),
    installedSha256: Type.Optional(PatternString('Digest of the binary installed on the nodes.', pattern.sha256Hex, 64)),
    nodes: Type.Optional(MapList(MinioNodeStatusSchema, ['name'], 64, 'Each selected node.')),
    pendingSteps: Type.Optional(PendingSteps),
    owned: Type.Optional(MinioOwnedSchema),
  },
  { description: 'What MinIO reports. Ready when the cluster health endpoint reports write quorum.' },
);

export type MinioSource = Static<typeof MinioSourceSchema>;
export type MinioPorts = Static<typeof MinioPortsSchema>;
export type MinioPoolSpec = Static<typeof MinioPoolSpecSchema>;
export type MinioNodeStatus = Static<typeof MinioNodeStatusSchema>;
export type MinioPoolStatus = Static<typeof MinioPoolStatusSchema>;
export type MinioOwned = Static<typeof MinioOwnedSchema>;
export type MinioOwnedDrive = Static<typeof MinioOwnedDriveSchema>;
export type MinioPool = Resource<MinioPoolSpec, MinioPoolStatus>;

export const minioPoolDefinition: KindDefinition = {
  kind: 'MinioPool',
  plural: 'miniopools',
  singular: 'miniopool',
  shortNames: ['mpool'],
  description: 'MinioPool is a distributed MinIO object store running on PiNodes.',
  spec: MinioPoolSpecSchema,
  status: MinioPoolStatusSchema,
  printerColumns: [
    { name: 'Nodes', type: 'integer', jsonPath: '.status.nodesTotal', description: 'Selected nodes.' },
    { name: 'Online', type: 'integer', jsonPath: '.status.nodesOnline', description: 'Nodes online.' },
    { name: 'Drives', type: 'integer', jsonPath: '.status.drivesOnline', description: 'Drives online.' },
    { name: 'Health', type: 'string', jsonPath: '.status.health', description: 'Cluster health.' },
  ],
  wideColumns: [
    { name: 'Endpoint', type: 'string', jsonPath: '.status.endpoint', description: 'S3 endpoint.' },
    { name: 'Reclaim', type: 'string', jsonPath: '.spec.reclaimPolicy', description: 'What deletion does to the data.' },
  ],
};

export const minioPoolCrd = customResourceDefinitionOf(minioPoolDefinition);
