// The record of what this pool created on the Pis (status.owned): each drive directory that
// carries this resource's marker, as node, host and path, and the deployment ID MinIO wrote in
// the drives' format.json. Written from observation and from the drives steps that just ran (so a
// delete right after the first rollout still knows them), carried forward by every status, never
// dropped while the resource exists, and the only list reclaimPolicy Delete works from. Also the
// edits it refuses because they would orphan the drives it records. Pure.
import type { Owner } from '../shared/owner.ts';
import type { NodeObservation } from './parse-observed.ts';
import type { Refusal } from './ownership.ts';
import type { MinioOwned, MinioOwnedDrive } from './types.ts';

const maxDrives = 1024;

export interface Member {
  name: string;
  address: string;
}

/** The record after this reconcile: `previous`, the drives marked as ours now, and the drives `prepared` (node names) just marked. */
export function recordOf(input: {
  previous: MinioOwned | undefined;
  self: Owner;
  members: readonly Member[];
  observed: ReadonlyMap<string, NodeObservation>;
  drivePaths: readonly string[];
  prepared?: readonly string[];
}): MinioOwned | undefined {
  const drives = new Map<string, MinioOwnedDrive>((input.previous?.drives ?? []).map((d) => [`${d.host}\n${d.path}`, d]));
  let deploymentId = input.previous?.deploymentId;
  const prepared = new Set(input.prepared ?? []);
  for (const m of input.members) {
    const o = input.observed.get(m.name);
    const ours = (o?.drives ?? []).filter((d) => d.marker?.uid === input.self.uid);
    deploymentId ??= ours.find((d) => d.deploymentId)?.deploymentId;
    const paths = prepared.has(m.name) ? input.drivePaths : ours.map((d) => d.path);
    for (const path of paths) drives.set(`${m.address}\n${path}`, { node: m.name, host: m.address, path });
  }
  if (drives.size === 0) return undefined;
  const sorted = [...drives.keys()]
    .sort()
    .map((k) => drives.get(k) as MinioOwnedDrive)
    .slice(0, maxDrives);
  return { ...(deploymentId ? { deploymentId } : {}), drives: sorted };
}

/**
 * Once MinIO formatted the drives (the record has a deployment ID) the pool's layout is fixed:
 * MinIO cannot add, remove or move drives of a server pool in place. A recorded node that is no
 * longer selected (or changed address) is Stalled naming it; other node set or drive path changes
 * are refused. Nothing is rolled out meanwhile.
 */
export function layoutRefusal(
  record: MinioOwned | undefined,
  members: readonly Member[],
  drivePaths: readonly string[],
): (Refusal & { stalled: true }) | undefined {
  if (!record?.deploymentId) return undefined;
  const id = record.deploymentId;
  const selected = new Set(members.map((m) => m.address));
  const left = [...new Map(record.drives.filter((d) => !selected.has(d.host)).map((d) => [d.host, `${d.node} (${d.host})`])).values()];
  const keep = 'Nothing was changed on any Pi';
  if (left.length) {
    return {
      reason: 'NodeLeftPool',
      stalled: true,
      message:
        `${left.join(', ')} hold${left.length === 1 ? 's' : ''} drives of this pool (deployment ${id}) but ${left.length === 1 ? 'is' : 'are'} no longer selected by spec.nodeSelector (or changed address); ` +
        `MinIO there keeps running with the old endpoint list and the other nodes still count its drives. ${keep}: select ${left.length === 1 ? 'it' : 'them'} again, ` +
        'or delete this MinioPool (reclaimPolicy Retain keeps the data)',
    };
  }
  const recordedHosts = new Set(record.drives.map((d) => d.host));
  const recordedPaths = [...new Set(record.drives.map((d) => d.path))].sort();
  const added = members.filter((m) => !recordedHosts.has(m.address)).map((m) => `${m.name} (${m.address})`);
  const pathsNow = [...drivePaths].sort();
  const pathsMoved = pathsNow.join('\n') !== recordedPaths.join('\n');
  if (!added.length && !pathsMoved) return undefined;
  const what = [
    ...(added.length ? [`spec.nodeSelector now also selects ${added.join(', ')}`] : []),
    ...(pathsMoved ? [`spec.drivePaths is now ${pathsNow.join(', ')}, the drives are ${recordedPaths.join(', ')}`] : []),
  ];
  return {
    reason: 'PoolLayoutChangeRefused',
    stalled: true,
    message:
      `MinIO formatted this server pool (deployment ${id}) on ${recordedHosts.size} node(s) × ${recordedPaths.join(', ')}; ${what.join('; ')}. ` +
      `MinIO cannot change a server pool's layout in place. ${keep}: set the fields back; to grow, add a new server pool instead ` +
      '(a new MinioPool on other PiNodes and drives; bramble does not join pools into one deployment yet)',
  };
}
