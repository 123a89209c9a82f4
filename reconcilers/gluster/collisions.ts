// What the Pis already hold where this volume would go, checked before anything is changed: a
// brick directory or mount point in, over or above a user's home (crds/data-path.ts
// homeConflicts, with the homes each Pi reported), a brick directory that exists before Gluster
// would create it (Gluster would build the volume on whatever it holds, and a later Delete would
// remove it), and a mount point with an fstab line, a mount or files that bramble did not put
// there. Each is refused with the nodes and paths named; nothing is replaced. Pure.
import { homeConflicts } from '../../crds/data-path.ts';
import type { BrickHost, DesiredVolume } from './layout.ts';
import type { HostObservation } from './parse-observed.ts';
import type { Refusal } from './plan.ts';
import { foreignAtMountPoint } from './own-mounts.ts';

const stall = (reason: string, message: string): Refusal => ({ reason, message, stalled: true });

function inHomes(desired: DesiredVolume, hosts: ReadonlyMap<string, HostObservation>): string[] {
  const paths = [
    ...desired.bricks.map((b) => ({ node: b.node, path: b.dir })),
    ...(desired.mountPath ? desired.mounts.map((m) => ({ node: m.node, path: desired.mountPath ?? '' })) : []),
  ];
  return paths.flatMap(({ node, path }) =>
    homeConflicts([path], hosts.get(node)?.homes ?? []).map((c) => `${node}: ${c.path} is in or over the home directory ${c.home}`),
  );
}

function existingBrickDirs(newBricks: readonly BrickHost[], hosts: ReadonlyMap<string, HostObservation>): string[] {
  return newBricks.flatMap((b) => {
    const dir = hosts.get(b.node)?.bricks.get(b.dir);
    if (!dir?.exists) return [];
    return [
      `${b.node}:${b.dir} exists${dir.volumeId ? ` and is marked as a brick of Gluster volume ID ${dir.volumeId} (trusted.glusterfs.volume-id)` : ''}`,
    ];
  });
}

function mountPointsInUse(desired: DesiredVolume, hosts: ReadonlyMap<string, HostObservation>): string[] {
  const path = desired.mountPath;
  if (!path) return [];
  return desired.mounts.flatMap((m) => {
    const mount = hosts.get(m.node)?.mounts.get(path);
    return mount ? foreignAtMountPoint(mount, desired.name, path).map((what) => `${m.node}: ${what}`) : [];
  });
}

/** The first collision found, as a Stalled refusal, or undefined when the paths are free. */
export function collisionRefusal(
  desired: DesiredVolume,
  hosts: ReadonlyMap<string, HostObservation>,
  newBricks: readonly BrickHost[],
): Refusal | undefined {
  const homes = inHomes(desired, hosts);
  if (homes.length) {
    return stall(
      'DataPathInHome',
      `${homes.join('; ')}; data there would lock its user out or be removed with the volume. Nothing was changed: choose another path`,
    );
  }
  const dirs = existingBrickDirs(newBricks, hosts);
  if (dirs.length) {
    return stall(
      'BrickDirectoryExists',
      `brick directories already exist: ${dirs.join('; ')}. Gluster creates each brick directory itself, so that bramble ` +
        "knows it holds only the volume's data; it would otherwise build the volume on what is there. Nothing was changed: move them away or choose another spec.bricks.path",
    );
  }
  const mounts = mountPointsInUse(desired, hosts);
  if (mounts.length) {
    return stall(
      'MountPathInUse',
      `mount path ${desired.mountPath} is in use by something bramble did not set up: ${mounts.join('; ')}. ` +
        'Nothing was replaced or mounted over: free the path or choose another spec.mount.path',
    );
  }
  return undefined;
}
