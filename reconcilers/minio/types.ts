// The MinioPool types this folder uses, from the schema in crds/ (the one source of truth).
export type { MinioNodeStatus, MinioPool, MinioPoolSpec, MinioPoolStatus } from '../../crds/miniopool.ts';
export type { PiNode } from '../../crds/pinode.ts';

/** Where things live on every Pi of a pool (MinIO's documented layout for a systemd install). */
export const minioPaths = {
  binary: '/usr/local/bin/minio',
  envFile: '/etc/default/minio',
  unit: '/etc/systemd/system/minio.service',
  /** Fingerprint of binary + env file + unit that the running server was started with. */
  stamp: '/var/lib/bramble/minio.applied',
} as const;

export const minioService = 'minio';
