// The status a MinioPool reports, from what each node's MinIO answered. Pure.
import type { NodeObservation } from './parse-observed.ts';
import type { MinioNodeStatus, MinioPoolStatus } from './types.ts';
import type { StatusContext as SharedStatusContext } from '../shared/status-verdict.ts';

export type PoolHealth = 'Healthy' | 'NoWriteQuorum' | 'Unreachable';

export type StatusContext = SharedStatusContext<MinioPoolStatus>;
export { conditionsFor, statusWith, type Verdict } from '../shared/status-verdict.ts';

/** Healthy when any node's /minio/health/cluster says 200; NoWriteQuorum when nodes answer otherwise. */
export function poolHealth(observed: Iterable<NodeObservation>): PoolHealth {
  let answered = false;
  for (const o of observed) {
    if (o.cluster === 200) return 'Healthy';
    if (o.cluster > 0) answered = true;
  }
  return answered ? 'NoWriteQuorum' : 'Unreachable';
}

export interface PoolMember {
  name: string;
  address: string;
}

/** Per node: live or not, and its drives that exist while it is live. */
export function nodeStatuses(
  members: readonly PoolMember[],
  observed: ReadonlyMap<string, NodeObservation>,
  drivePaths: readonly string[],
): MinioNodeStatus[] {
  return members.map(({ name }) => {
    const o = observed.get(name);
    const online = o?.live === 200;
    const drivesOnline = online ? drivePaths.filter((p) => o.drives.some((d) => d.path === p && d.exists)).length : 0;
    return { name, online, drivesOnline };
  });
}

export function poolFigures(
  members: readonly PoolMember[],
  observed: ReadonlyMap<string, NodeObservation>,
  drivePaths: readonly string[],
  apiPort: number,
): Partial<MinioPoolStatus> {
  const nodes = nodeStatuses(members, observed, drivePaths);
  const healthy = members.find((m) => observed.get(m.name)?.cluster === 200) ?? members.find((m) => observed.get(m.name)?.live === 200);
  const binaries = new Set([...observed.values()].map((o) => o.binarySha256));
  const [installed] = binaries;
  return {
    nodes,
    nodesTotal: members.length,
    nodesOnline: nodes.filter((n) => n.online).length,
    drivesTotal: members.length * drivePaths.length,
    drivesOnline: nodes.reduce((sum, n) => sum + (n.drivesOnline ?? 0), 0),
    health: poolHealth(observed.values()),
    ...(healthy ? { endpoint: `http://${healthy.address.includes(':') ? `[${healthy.address}]` : healthy.address}:${apiPort}` } : {}),
    ...(binaries.size === 1 && installed ? { installedSha256: installed } : {}),
  };
}
