// Gauge samples for MinIO, pure like the PiNode and Slurm ones, from a pool's status. Labels are
// bounded: the namespace and the MinioPool's name.
import type { GaugeSample } from '../../metrics/sample-gauges.ts';
import type { MinioPoolStatus } from './types.ts';

export const minioGaugeHelp: Record<string, string> = {
  bramble_minio_nodes: 'Nodes a MinioPool selects',
  bramble_minio_nodes_online: 'Nodes of a MinioPool whose /minio/health/live answers',
  bramble_minio_drives_online: 'Drives online across a MinioPool',
  bramble_minio_healthy: '1 when /minio/health/cluster reports write quorum, else 0',
};

export function minioPoolGaugeSamples(namespace: string, miniopool: string, status: MinioPoolStatus | undefined): GaugeSample[] {
  const labels = { namespace, miniopool };
  const sample = (name: string, value: number | undefined): GaugeSample[] =>
    value === undefined ? [] : [{ name, help: minioGaugeHelp[name] ?? '', labels, value }];
  return [
    ...sample('bramble_minio_nodes', status?.nodesTotal),
    ...sample('bramble_minio_nodes_online', status?.nodesOnline),
    ...sample('bramble_minio_drives_online', status?.drivesOnline),
    ...sample('bramble_minio_healthy', status?.health === undefined ? undefined : status.health === 'Healthy' ? 1 : 0),
  ];
}
