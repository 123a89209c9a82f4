// Whose each drive directory and each node's MinIO is, before anything is changed. A drive is
// this pool's when its .bramble-owner marker carries this resource's UID; it may become this
// pool's when it does not exist yet or is empty (lost+found aside); a drive converged by a
// bramble from before markers (MinIO's format.json, no marker, and the node's env file written
// by bramble for this very pool) is adopted — marked, then it is ours. Everything else (another
// resource's marker, another deployment, someone's files, a symbolic link) is refused, naming the
// owner or what is there, and left alone. Also refused: a drive in, over or above a user's home,
// a node whose MinIO runs or is enabled for another MinioPool, and a service user that is root or can log in.
// Pure.
import { homeConflicts } from '../../crds/data-path.ts';
import type { Owner } from '../shared/owner.ts';
import type { DriveObservation, NodeObservation } from './parse-observed.ts';
import { driveMarker, minioPaths } from './types.ts';

export interface Refusal {
  reason: string;
  message: string;
}

export type DriveVerdict =
  | { kind: 'ours' }
  /** Absent or empty: bramble may create or use it, and marks it. */
  | { kind: 'free' }
  /** Formatted by this pool's MinIO before bramble wrote markers: marked, then ours. */
  | { kind: 'adopt' }
  | { kind: 'refused'; reason: 'DriveOwnedByAnother' | 'DriveHoldsAnotherDeployment' | 'DriveNotEmpty' | 'DriveIsSymlink'; why: string };

export function driveVerdict(
  d: DriveObservation,
  input: { self: Owner; envPool: string | undefined; recordedDeploymentId: string | undefined },
): DriveVerdict {
  const { self } = input;
  if (d.symlink) return { kind: 'refused', reason: 'DriveIsSymlink', why: `${d.path} is a symbolic link` };
  if (d.marker && d.marker.uid !== self.uid) {
    return {
      kind: 'refused',
      reason: 'DriveOwnedByAnother',
      why: `${d.path} belongs to MinioPool ${d.marker.name} (uid ${d.marker.uid}, ${driveMarker})`,
    };
  }
  const recorded = input.recordedDeploymentId;
  if (d.deploymentId && recorded && d.deploymentId !== recorded) {
    return {
      kind: 'refused',
      reason: 'DriveHoldsAnotherDeployment',
      why: `${d.path} holds MinIO deployment ${d.deploymentId}, not this pool's ${recorded}`,
    };
  }
  if (d.marker) return { kind: 'ours' };
  if (!d.exists || d.entries === 0) return { kind: 'free' };
  if (d.deploymentId && input.envPool === self.name) return { kind: 'adopt' };
  if (d.deploymentId) {
    return {
      kind: 'refused',
      reason: 'DriveHoldsAnotherDeployment',
      why: `${d.path} holds MinIO deployment ${d.deploymentId} and no bramble marker of this pool`,
    };
  }
  return { kind: 'refused', reason: 'DriveNotEmpty', why: `${d.path} is not empty (${d.entries} entries) and carries no bramble marker` };
}

/** A service user MinIO may not run as: root, a user bramble logs in as or manages, an account that can log in. */
export function serviceUserProblem(
  user: string,
  loginUsers: ReadonlySet<string>,
  observed: ReadonlyMap<string, NodeObservation>,
): string | undefined {
  if (user === 'root') return 'serviceUser root: MinIO runs as a system user of its own';
  if (loginUsers.has(user)) return `serviceUser ${user} is a PiNode's SSH or managed user; its home and login would be handed to MinIO`;
  for (const [node, o] of observed) {
    const u = o.serviceUser;
    if (u && u.uid === 0) return `serviceUser ${user} has uid 0 on ${node}`;
    if (u && !/\/(nologin|false)$/.test(u.shell))
      return `serviceUser ${user} is an account with the login shell ${u.shell || '(default)'} on ${node}`;
  }
  return undefined;
}

/** The first thing found that forbids changing anything, or undefined. */
export function collisionRefusal(input: {
  self: Owner;
  drivePaths: readonly string[];
  observed: ReadonlyMap<string, NodeObservation>;
  recordedDeploymentId: string | undefined;
}): Refusal | undefined {
  const { self, observed } = input;
  const homes = [...observed].flatMap(([node, o]) =>
    homeConflicts(input.drivePaths, o.homes).map((c) => `${node}: ${c.path} is in or over the home directory ${c.home}`),
  );
  if (homes.length) {
    return {
      reason: 'DataPathInHome',
      message: `${homes.join('; ')}; a drive there would be chowned to the service user (locking its user out) and removed with the pool. Nothing was changed: choose another path`,
    };
  }
  // A pool deleted earlier leaves its files but not a running or enabled server: that node is free.
  const serving = [...observed].flatMap(([node, o]) =>
    o.env?.pool && o.env.pool !== self.name && (o.active || o.enabled) ? [`${node} runs MinIO for MinioPool ${o.env.pool}`] : [],
  );
  if (serving.length) {
    return {
      reason: 'NodeServesAnotherPool',
      message: `${serving.join('; ')} (${minioPaths.envFile}); a node runs one pool. Nothing was changed: select other PiNodes`,
    };
  }
  const refused = new Map<string, string[]>();
  for (const [node, o] of observed) {
    for (const d of o.drives) {
      const v = driveVerdict(d, { self, envPool: o.env?.pool, recordedDeploymentId: input.recordedDeploymentId });
      if (v.kind === 'refused') refused.set(v.reason, [...(refused.get(v.reason) ?? []), `${node}:${v.why}`]);
    }
  }
  const [first] = refused;
  if (!first) return undefined;
  const [reason, whys] = first;
  const advice =
    reason === 'DriveOwnedByAnother'
      ? "choose other drive paths; or, if that MinioPool is gone and the data should be this one's, edit the marker's uid= line to this resource's uid " +
        self.uid
      : 'move what is there away or choose other drive paths';
  return { reason, message: `${whys.join('; ')}. Nothing was taken over or changed: ${advice}` };
}
