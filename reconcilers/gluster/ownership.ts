// Whose a Gluster volume is, read from bramble's marker on the volume itself: the volume options
// user.bramble.owner (the resource's metadata.uid, its identity) and user.bramble.owner-name
// (namespace/name, for messages), set in the same step that creates the volume. A volume of the
// wanted name that another resource owns, or that nobody bramble knows created, is refused and
// left alone; one converged by a bramble from before markers is adopted only when this resource's
// own status already records it. Pure.
import { glusterOwnerOptionPrefix } from '../../crds/glustervolume.ts';
import type { GlusterVolumeInfo } from './parse-gluster.ts';
import type { GlusterVolumeStatus } from './types.ts';

export const ownerOption = `${glusterOwnerOptionPrefix}owner`;
export const ownerNameOption = `${glusterOwnerOptionPrefix}owner-name`;

import type { Owner } from '../shared/owner.ts';

export { ownerOf, type Owner } from '../shared/owner.ts';

/** The `gluster volume set` pairs that mark a volume as `owner`'s. */
export function ownerOptions(owner: Owner): { name: string; value: string }[] {
  return [
    { name: ownerOption, value: owner.uid },
    { name: ownerNameOption, value: owner.name },
  ];
}

/** What a person runs on a brick host to hand `volume` to `owner` (shown in refusals, never run by bramble). */
export function handOverCommand(volume: string, owner: Owner): string {
  return `gluster volume set ${volume} ${ownerOptions(owner)
    .map((o) => `${o.name} ${o.value}`)
    .join(' ')}`;
}

export type Ownership =
  /** No volume of that name: this resource may create it. */
  | { kind: 'absent' }
  | { kind: 'ours' }
  /** Converged before markers and recorded in this resource's status: mark it, then it is ours. */
  | { kind: 'adopt' }
  | { kind: 'refused'; reason: 'VolumeOwnedByAnother' | 'NotCreatedByBramble'; message: string };

/** The owner a volume's marker names, if it carries one. */
export function markedOwner(info: GlusterVolumeInfo): Owner | undefined {
  const uid = info.options.get(ownerOption);
  return uid ? { uid, name: info.options.get(ownerNameOption) ?? 'unknown' } : undefined;
}

/**
 * Whether this resource's status (written before bramble marked volumes) already records `info`
 * as its volume: the same volume name, and exactly its bricks as node:path.
 */
export function legacyStatusRecords(
  previous: GlusterVolumeStatus | undefined,
  info: GlusterVolumeInfo,
  nodeOfHost: ReadonlyMap<string, string>,
): boolean {
  if (!previous || previous.owned || previous.volumeName !== info.name || !previous.bricks?.length) return false;
  const recorded = new Set(previous.bricks.map((b) => `${b.node}:${b.path}`));
  const actual = info.bricks.map((b) => `${nodeOfHost.get(b.host) ?? b.host}:${b.path}`);
  return recorded.size === actual.length && actual.every((b) => recorded.has(b));
}

export function ownershipOf(input: {
  info: GlusterVolumeInfo | undefined;
  self: Owner;
  /** This resource's status records the volume: by its ID in the record, or as a pre-marker status did. */
  recorded: boolean;
}): Ownership {
  const { info, self, recorded } = input;
  if (!info) return { kind: 'absent' };
  const owner = markedOwner(info);
  if (owner?.uid === self.uid) return { kind: 'ours' };
  const handOver = `if it should be this resource's (uid ${self.uid}), run on a brick host: ${handOverCommand(info.name, self)}`;
  if (owner) {
    return {
      kind: 'refused',
      reason: 'VolumeOwnedByAnother',
      message:
        `Gluster volume ${info.name} belongs to GlusterVolume ${owner.name} (uid ${owner.uid}); nothing was taken over or changed. ` +
        `Choose another spec.volumeName; or, if that GlusterVolume was deleted with reclaimPolicy Retain and ${handOver}`,
    };
  }
  if (recorded) return { kind: 'adopt' };
  return {
    kind: 'refused',
    reason: 'NotCreatedByBramble',
    message:
      `Gluster volume ${info.name} exists and carries no bramble ${ownerOption} marker, so bramble did not create it for this resource; ` +
      `nothing was taken over or changed. Choose another spec.volumeName; or, ${handOver}`,
  };
}
