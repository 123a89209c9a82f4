// MinioPool: a distributed MinIO server across PiNodes, installed from a pinned binary.
import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import * as pattern from './patterns.ts';
import { Conditions, DataPath, LabelSelector, ObjectName, ObservedGeneration, PendingSteps, Port, ReclaimPolicy, SecretReference } from './common.ts';
import { BoundedString, MapList, PatternString, SetOf } from './schema-kit.ts';
import { customResourceDefinitionOf } from './definition.ts';
import type { KindDefinition } from './definition.ts';
import type { Resource } from './resource.ts';

export const MinioSourceSchema = Type.Object({
  url: PatternString('Where each Pi downloads the minio binary (http or https; a LAN mirror works).', pattern.downloadUrl, 2048),
  sha256: PatternString('SHA-256 of the binary, 64 lower-case hex digits; nothing runs unless it matches.', pattern.sha256Hex, 64),
}, { description: 'The MinIO server binary, e.g. https://dl.min.io/server/minio/release/linux-arm64/minio and its digest.' });

export const MinioPortsSchema = Type.Object({
  api: Port('S3 API port.', 9000),
  console: Port('Web console port.', 9001),
}, {
  description: 'TCP ports on every node.',
  default: {},
  'x-kubernetes-validations': [{ rule: 'self.api != self.console', message: 'api and console need different ports', fieldPath: '.console' }],
});

export const MinioPoolSpecSchema = Type.Object({
  nodeSelector: LabelSelector('PiNodes that run MinIO (4 or more for erasure coding). An empty selector selects every PiNode.'),
  drivesPerNode: Type.Integer({ description: 'Drives (data directories) on each node.', minimum: 1, maximum: 16, default: 1 }),
  drivePaths: SetOf(DataPath('A data directory, ideally the mount point of its own disk.'), 16,
    'One data directory per drive, the same on every node; as many as drivesPerNode.', { minItems: 1 }),
  allowRootFilesystem: Type.Boolean({ description: 'Allow drives on the root filesystem (the SD card). Refused unless true.', default: false }),
  credentialsSecretRef: SecretReference('Secret with keys rootUser and rootPassword (MINIO_ROOT_USER / MINIO_ROOT_PASSWORD).'),
  source: MinioSourceSchema,
  ports: MinioPortsSchema,
  serviceUser: PatternString('System user MinIO runs as (created when missing).', pattern.posixName, 32, { default: 'minio-user' }),
  reclaimPolicy: ReclaimPolicy,
}, {
  description: 'The pool: which Pis, which drives, which binary, which credentials.',
  'x-kubernetes-validations': [{
    rule: 'size(self.drivePaths) == (has(self.drivesPerNode) ? self.drivesPerNode : 1)',
    messageExpression: "'drivePaths lists ' + string(size(self.drivePaths)) + ' paths but drivesPerNode is ' + string(has(self.drivesPerNode) ? self.drivesPerNode : 1)",
    fieldPath: '.drivePaths',
  }],
});

export const MinioNodeStatusSchema = Type.Object({
  name: ObjectName('PiNode name.'),
  online: Type.Boolean({ description: 'Whether /minio/health/live answers.' }),
  drivesOnline: Type.Optional(Type.Integer({ description: 'Drives online on this node.', minimum: 0 })),
});

export const MinioPoolStatusSchema = Type.Object({
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
}, { description: 'What MinIO reports. Ready when the cluster health endpoint reports write quorum.' });

export type MinioSource = Static<typeof MinioSourceSchema>;
export type MinioPorts = Static<typeof MinioPortsSchema>;
export type MinioPoolSpec = Static<typeof MinioPoolSpecSchema>;
export type MinioNodeStatus = Static<typeof MinioNodeStatusSchema>;
export type MinioPoolStatus = Static<typeof MinioPoolStatusSchema>;
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
