// The MinioPool types this folder uses, from the schema in crds/ (the one source of truth).
export type { MinioNodeStatus, MinioOwned, MinioOwnedDrive, MinioPool, MinioPoolSpec, MinioPoolStatus } from '../../crds/miniopool.ts';
export type { PiNode } from '../../crds/pinode.ts';

/** Where things live on every Pi of a pool (MinIO's documented layout for a systemd install). */
export const minioPaths = {
  binary: '/usr/local/bin/minio',
  envFile: '/etc/default/minio',
  unit: '/etc/systemd/system/minio.service',
  /** Fingerprint of binary + env file + unit that the running server was started with. */
  stamp: '/var/lib/bramble/minio.applied',
} as const;

/**
 * bramble's marker in each drive directory (root, 0600): `uid=` the MinioPool's metadata.uid,
 * `name=` namespace/name (for messages), `created=yes` when bramble created the directory itself.
 */
export const driveMarker = '.bramble-owner';
/** MinIO's own record of a drive's deployment, relative to the drive. */
export const formatFile = '.minio.sys/format.json';

export const minioService = 'minio';
