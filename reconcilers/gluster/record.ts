// The record of what this resource created on the Pis (status.owned): written from observation
// once the volume carries this resource's marker (so a crash between create and status write is
// recovered by the next observe), carried forward by every status, never dropped while the
// resource exists, and the only list reclaimPolicy Delete works from. Also the edits it refuses
// because they would orphan what it records. Pure.
import type { DesiredVolume } from './layout.ts';
import type { HostObservation } from './parse-observed.ts';
import type { GlusterVolumeInfo } from './parse-gluster.ts';
import type { Refusal } from './plan.ts';
import type { GlusterOwned, GlusterOwnedMount } from './types.ts';
import { holdsOwnMount } from './own-mounts.ts';

const maxEntries = 128;

/** Mount hosts whose fstab line or mount of the volume at the spec's mount point is bramble's. */
export function ownMountsOf(desired: DesiredVolume, hosts: ReadonlyMap<string, HostObservation>): GlusterOwnedMount[] {
  const path = desired.mountPath;
  if (!path) return [];
  return desired.mounts
    .filter((m) => holdsOwnMount(hosts.get(m.node)?.mounts.get(path), desired.name))
    .map((m) => ({ node: m.node, path }));
}

function byKey<T>(items: readonly T[], key: (t: T) => string): T[] {
  const map = new Map(items.map((i) => [key(i), i] as const));
  return [...map.keys()].sort().map((k) => map.get(k) as T);
}

/** The record after observing `info` (this resource's volume) and the own mounts seen now. */
export function recordOf(input: {
  previous: GlusterOwned | undefined;
  info: GlusterVolumeInfo;
  /** PiNode name by address, for the bricks Gluster lists by host. */
  nodeOfHost: ReadonlyMap<string, string>;
  mounts: readonly GlusterOwnedMount[];
}): GlusterOwned {
  const { previous, info, nodeOfHost } = input;
  const sameVolume = previous?.volumeId === info.id;
  const earlierNode = new Map((sameVolume ? (previous?.bricks ?? []) : []).map((b) => [`${b.host}:${b.path}`, b.node] as const));
  const bricks = info.bricks.map((b) => {
    const node = nodeOfHost.get(b.host) ?? earlierNode.get(`${b.host}:${b.path}`);
    return { ...(node ? { node } : {}), host: b.host, path: b.path };
  });
  const mounts = byKey([...(sameVolume ? (previous?.mounts ?? []) : []), ...input.mounts], (m) => `${m.node}\n${m.path}`).slice(
    0,
    maxEntries,
  );
  return { volumeName: info.name, volumeId: info.id, bricks: bricks.slice(0, maxEntries), ...(mounts.length ? { mounts } : {}) };
}

/** Edits that would leave what the record names behind: another volume name, another brick path. */
export function editRefusal(record: GlusterOwned | undefined, desired: DesiredVolume): Refusal | undefined {
  if (!record) return undefined;
  const keep = 'delete this GlusterVolume (reclaimPolicy Retain keeps the data) and create one for the new place, or set the field back';
  if (record.volumeName !== desired.name) {
    return {
      reason: 'VolumeNameChangeRefused',
      stalled: true,
      message: `this resource created Gluster volume ${record.volumeName}; spec now names ${desired.name}, which would leave ${record.volumeName} and its data behind. Nothing was changed: ${keep}`,
    };
  }
  const wanted = new Set(desired.bricks.map((b) => b.dir));
  const moved = record.bricks.filter((b) => !wanted.has(b.path));
  const now = [...wanted][0];
  if (moved.length && now !== undefined) {
    const was = [...new Set(moved.map((b) => b.path))].join(', ');
    return {
      reason: 'BrickPathChangeRefused',
      stalled: true,
      message:
        `the bricks of volume ${record.volumeName} are in ${was} (${moved.map((b) => b.node ?? b.host).join(', ')}); spec.bricks.path now means ${now}. ` +
        `Gluster cannot move bricks in place and bramble does not copy data. Nothing was changed: ${keep}`,
    };
  }
  return undefined;
}
