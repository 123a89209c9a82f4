// The pure plan: (desired volume, what each host and gluster said, whose the volume is) → steps
// per phase, or a refusal that touches nothing. Refusals that need a person (bricks on the root
// filesystem, unsafe layout changes, a node in another pool, paths already in use) are Stalled;
// waiting for a node is not. The volume is created and marked as this resource's in one step.
import type { Step } from '../shared/step.ts';
import { brickName, type BrickHost, type DesiredVolume } from './layout.ts';
import type { HostObservation } from './parse-observed.ts';
import type { GlusterVolumeInfo } from './parse-gluster.ts';
import { collisionRefusal } from './collisions.ts';
import type { Owner } from './ownership.ts';
import {
  addBricksStep,
  brickParentStep,
  glusterdStep,
  ownerMarkStep,
  peerProbeStep,
  rebalanceStep,
  volumeCreateStep,
  volumeOptionsStep,
  volumeStartStep,
} from './steps.ts';
import { clientStep, fstabStep, mountStep } from './mount-steps.ts';

export interface Refusal {
  reason: string;
  message: string;
  stalled: boolean;
}

export interface GlusterPlan {
  /** Brick hosts, in parallel: glusterd and brick directories. */
  prepare: Map<string, Step[]>;
  /** The primary host: pool, volume, options, rebalance. */
  primary: Step[];
  /** Mount hosts, in parallel, once the volume is there. */
  mount: Map<string, Step[]>;
}

export type PlanOutcome = { ok: true; plan: GlusterPlan } | { ok: false; refusal: Refusal };

export interface PlanInput {
  desired: DesiredVolume;
  /** Observations by PiNode name; hosts that could not be observed are absent. */
  hosts: ReadonlyMap<string, HostObservation>;
  /** The brick host that answered for the volume (volume info/status/heal). */
  primary: string;
  /** This resource: the marker a created volume gets. */
  owner: Owner;
  /** The volume exists unmarked but this resource's status records it: mark it. */
  adopt?: boolean;
}

/** Gluster's type words, reduced to the spec's three. */
export function specTypeOf(info: GlusterVolumeInfo): string {
  if (/Replicate/i.test(info.typeStr)) return 'Replicate';
  if (/Disperse/i.test(info.typeStr)) return 'Disperse';
  return 'Distribute';
}

/** Why the existing volume cannot become the asked one without risking data, or undefined. */
export function unsafeChange(desired: DesiredVolume, info: GlusterVolumeInfo): Refusal | undefined {
  const spec = desired.spec;
  const stall = (reason: string, message: string): Refusal => ({ reason, message: `${message}; nothing was changed`, stalled: true });
  const type = specTypeOf(info);
  if (type !== spec.type)
    return stall(
      'TypeChangeRefused',
      `volume ${info.name} is ${info.typeStr}; changing its type to ${spec.type} is not done automatically`,
    );
  if (spec.type === 'Replicate' && info.replicaCount !== spec.replica) {
    const verb = (spec.replica ?? 0) < info.replicaCount ? 'shrinking' : 'changing';
    return stall(
      'ReplicaChangeRefused',
      `volume ${info.name} has replica ${info.replicaCount}; ${verb} it to ${spec.replica} is not done automatically`,
    );
  }
  if (spec.type === 'Replicate' && info.arbiterCount > 0 !== Boolean(spec.arbiter)) {
    return stall('ArbiterChangeRefused', `volume ${info.name} has arbiter ${info.arbiterCount}; changing it is not done automatically`);
  }
  if (
    spec.type === 'Disperse' &&
    (info.disperseCount !== spec.disperse || (spec.redundancy !== undefined && info.redundancyCount !== spec.redundancy))
  ) {
    return stall(
      'DisperseChangeRefused',
      `volume ${info.name} is disperse ${info.disperseCount} redundancy ${info.redundancyCount}; changing it is not done automatically`,
    );
  }
  const wanted = new Set(desired.bricks.map(brickName));
  const removed = info.bricks.filter((b) => !wanted.has(b.name)).map((b) => b.name);
  if (removed.length) {
    return stall(
      'BrickRemovalRefused',
      `bricks ${removed.join(', ')} are in volume ${info.name} but no longer selected; removing bricks (and the data on them) is not done automatically`,
    );
  }
  return undefined;
}

function rootBricks(desired: DesiredVolume, hosts: ReadonlyMap<string, HostObservation>, among: readonly BrickHost[]): string[] {
  return among
    .filter((b) => {
      const h = hosts.get(b.node);
      const dir = h?.bricks.get(b.dir);
      return dir !== undefined && h?.rootDevice !== undefined && dir.device === h.rootDevice;
    })
    .map((b) => `${b.node}:${b.dir}`);
}

/** Pool membership of every brick host as the primary sees it. */
export function poolCheck(
  desired: DesiredVolume,
  hosts: ReadonlyMap<string, HostObservation>,
  primary: string,
): { probe: string[]; foreign: string[] } {
  const p = hosts.get(primary);
  const pool = new Set<string>([...(p?.uuid ? [p.uuid] : []), ...(p?.peers ?? []).map((x) => x.uuid)]);
  const known = new Set((p?.peers ?? []).flatMap((x) => x.hostnames));
  const probe: string[] = [];
  const foreign: string[] = [];
  for (const b of desired.bricks) {
    if (b.node === primary) continue;
    const h = hosts.get(b.node);
    if (h?.uuid && pool.has(h.uuid)) continue;
    if (!h) {
      if (!known.has(b.address)) probe.push(b.address);
      continue;
    }
    if (h.peers.length > 0) {
      foreign.push(
        `${b.node} (pool of ${h.peers
          .map((x) => x.hostname)
          .sort()
          .join(', ')})`,
      );
      continue;
    }
    probe.push(b.address);
  }
  return { probe, foreign };
}

function normalised(value: string): string {
  const v = value.trim().toLowerCase();
  if (['on', 'yes', 'true', 'enable', '1'].includes(v)) return 'on';
  if (['off', 'no', 'false', 'disable', '0'].includes(v)) return 'off';
  return v;
}

export function optionsToSet(desired: DesiredVolume, current: ReadonlyMap<string, string>): { name: string; value: string }[] {
  return (desired.spec.options ?? []).filter((o) => {
    const now = current.get(o.name);
    return now === undefined || normalised(now) !== normalised(o.value);
  });
}

export function addStep(map: Map<string, Step[]>, host: string, s: Step): void {
  map.set(host, [...(map.get(host) ?? []), s]);
}

export function planVolume(input: PlanInput): PlanOutcome {
  const { desired, hosts, primary, owner } = input;
  const refuse = (reason: string, message: string, stalled: boolean): PlanOutcome => ({ ok: false, refusal: { reason, message, stalled } });
  const info = hosts.get(primary)?.volume?.info;
  if (info) {
    const unsafe = unsafeChange(desired, info);
    if (unsafe) return { ok: false, refusal: unsafe };
  }
  const inVolume = new Set(info?.bricks.map((b) => b.name) ?? []);
  const newBricks = desired.bricks.filter((b) => !inVolume.has(brickName(b)));
  if (info && newBricks.length % desired.setSize !== 0) {
    return refuse('BrickCountInvalid', `expansion must add bricks in multiples of ${desired.setSize}; ${newBricks.length} new`, true);
  }
  const unobserved = newBricks.filter((b) => !hosts.has(b.node)).map((b) => b.node);
  if (unobserved.length) return refuse('NodesUnreachable', `cannot place bricks on unreachable nodes: ${unobserved.join(', ')}`, false);
  const collision = collisionRefusal(desired, hosts, newBricks);
  if (collision) return { ok: false, refusal: collision };
  const onRoot = rootBricks(desired, hosts, newBricks);
  if (onRoot.length && !desired.spec.bricks.allowRootFilesystem) {
    return refuse(
      'BrickOnRootFilesystem',
      `bricks would be on the root filesystem (the SD card): ${onRoot.join(', ')}; put spec.bricks.path on another disk, or set spec.bricks.allowRootFilesystem: true`,
      true,
    );
  }
  const pool = poolCheck(desired, hosts, primary);
  if (pool.foreign.length) {
    return refuse(
      'PeerInAnotherPool',
      `nodes already in another trusted pool (not taken over): ${pool.foreign.join('; ')}; detach them there first`,
      true,
    );
  }

  const plan: GlusterPlan = { prepare: new Map(), primary: [], mount: new Map() };
  for (const b of desired.bricks) {
    const h = hosts.get(b.node);
    if (!h) continue;
    if (!h.glusterd.active || !h.glusterd.enabled) addStep(plan.prepare, b.node, glusterdStep());
    // Gluster creates the brick directory itself (and marks it with the volume ID); it needs the parent.
    if (!inVolume.has(brickName(b)) && !h.bricks.get(b.dir)?.parentExists) addStep(plan.prepare, b.node, brickParentStep(b.dir));
  }
  if (pool.probe.length) plan.primary.push(peerProbeStep(pool.probe));
  const force = onRoot.length > 0;
  if (!info) {
    plan.primary.push(volumeCreateStep(desired.name, desired.spec, desired.bricks, force, owner));
  } else if (newBricks.length) {
    plan.primary.push(addBricksStep(desired.name, desired.spec, newBricks, force));
  }
  if (info && input.adopt) plan.primary.push(ownerMarkStep(desired.name, owner));
  if (info?.state !== 'Started') plan.primary.push(volumeStartStep(desired.name));
  const options = optionsToSet(desired, info?.options ?? new Map());
  if (options.length) plan.primary.push(volumeOptionsStep(desired.name, options));
  // Bricks added to an existing volume hold nothing until a rebalance moves files there.
  if (info && newBricks.length) plan.primary.push(rebalanceStep(desired.name));

  if (desired.mountPath && desired.fstabLine) {
    for (const m of desired.mounts) {
      const h = hosts.get(m.node);
      const mount = h?.mounts.get(desired.mountPath);
      if (!h || !mount) continue;
      if (!h.mountHelper) addStep(plan.mount, m.node, clientStep());
      // Every line left for the path is the volume's own (collisionRefusal saw to that).
      if (mount.fstab.length !== 1 || mount.fstab[0] !== desired.fstabLine)
        addStep(plan.mount, m.node, fstabStep(desired.mountPath, desired.fstabLine, desired.name));
      if (mount.mounted?.fstype !== 'fuse.glusterfs') addStep(plan.mount, m.node, mountStep(desired.mountPath, desired.name));
    }
  }
  return { ok: true, plan };
}

export function planIsEmpty(plan: GlusterPlan): boolean {
  return plan.primary.length === 0 && [...plan.prepare.values(), ...plan.mount.values()].every((s) => s.length === 0);
}
