// What reclaimPolicy Delete removes, from the record in status and what the Pis show now — never
// from the current spec. The volume is deleted only while it still has the recorded ID and this
// resource's marker (or is already gone); then its own mounts come off (bramble's fstab line and
// glusterfs mount of it at a recorded mount point) and each recorded brick directory whose
// trusted.glusterfs.volume-id is the recorded ID is removed. Everything else is left, and said.
// Pure.
import type { Step } from '../shared/step.ts';
import type { HostObservation } from './parse-observed.ts';
import type { GlusterOwned } from './types.ts';
import { addStep } from './plan.ts';
import { markedOwner, ownerOption } from './ownership.ts';
import { holdsOwnMount, isOwnFstabLine, isOwnMount } from './own-mounts.ts';
import { unmountStep } from './mount-steps.ts';
import { brickRemoveStep, volumeDeleteStep } from './delete-steps.ts';

export interface DeleteInput {
  record: GlusterOwned;
  ownerUid: string;
  /** Observations by PiNode name; a recorded node without one has no PiNode any more. */
  hosts: ReadonlyMap<string, HostObservation>;
  /** The brick host that reported the volume; undefined when no brick host could be asked. */
  primary: string | undefined;
  /** The PiNode each recorded brick is on now (by host:path), when one is. */
  brickNodes: ReadonlyMap<string, string>;
}

export interface DeletePlan {
  /** Phases, in order: mount hosts, the primary, brick hosts. */
  mount: Map<string, Step[]>;
  primary: Step[];
  bricks: Map<string, Step[]>;
  /** What the plan removes, for the Event. */
  removes: { volume: 'delete' | 'gone'; bricks: string[]; unmounted: string[] } | undefined;
  /** What stays on the Pis, each with why. */
  left: string[];
}

/** Whether the recorded volume may go: still ours, already gone, or (with why) to be left. */
function volumeVerdict(input: DeleteInput): { fate: 'delete' | 'gone' } | { fate: 'leave'; why: string } {
  const { record, primary, hosts } = input;
  const name = `volume ${record.volumeName} (${record.volumeId})`;
  if (!primary) return { fate: 'leave', why: `${name}, its bricks and mounts: no brick host's PiNode is left to ask about it` };
  const info = hosts.get(primary)?.volume?.info;
  if (!info) return { fate: 'gone' };
  if (info.id !== record.volumeId) {
    return {
      fate: 'leave',
      why: `volume ${record.volumeName}: it now has ID ${info.id}, not the recorded ${record.volumeId}, so it is another volume; it, the bricks and mounts stay`,
    };
  }
  const owner = markedOwner(info);
  if (owner?.uid !== input.ownerUid) {
    const now = owner
      ? `belongs to GlusterVolume ${owner.name} (uid ${owner.uid}) now`
      : `no longer carries this resource's ${ownerOption} marker`;
    return { fate: 'leave', why: `${name} ${now}; it, its bricks and mounts stay` };
  }
  return { fate: 'delete' };
}

export function planDelete(input: DeleteInput): DeletePlan {
  const { record, hosts } = input;
  const plan: DeletePlan = { mount: new Map(), primary: [], bricks: new Map(), removes: undefined, left: [] };
  const verdict = volumeVerdict(input);
  if (verdict.fate === 'leave') {
    plan.left.push(verdict.why);
    return plan;
  }
  const volume = record.volumeName;
  const unmounted: string[] = [];
  for (const m of record.mounts ?? []) {
    const h = hosts.get(m.node);
    if (!h) {
      plan.left.push(`${m.node}:${m.path}: the mount and fstab line stay, its PiNode is gone`);
      continue;
    }
    const mount = h.mounts.get(m.path);
    if (holdsOwnMount(mount, volume)) {
      addStep(plan.mount, m.node, unmountStep(m.path, volume));
      unmounted.push(`${m.node}:${m.path}`);
    }
    const foreign = [
      ...(mount?.fstab ?? []).filter((l) => !isOwnFstabLine(l, volume)).map((l) => `fstab line '${l}'`),
      ...(mount?.mounted && !isOwnMount(mount.mounted, volume) ? [`the mount of ${mount.mounted.source}`] : []),
    ];
    if (foreign.length) plan.left.push(`${m.node}:${m.path}: ${foreign.join(', ')} (not bramble's)`);
  }
  if (verdict.fate === 'delete') plan.primary.push(volumeDeleteStep(volume, record.volumeId, input.ownerUid));
  const removed: string[] = [];
  for (const b of record.bricks) {
    const node = input.brickNodes.get(`${b.host}:${b.path}`);
    const h = node !== undefined ? hosts.get(node) : undefined;
    if (node === undefined || !h) {
      plan.left.push(`${b.node ?? b.host}:${b.path}: no PiNode to reach it`);
      continue;
    }
    const dir = h.bricks.get(b.path);
    if (!dir?.exists) continue;
    if (dir.volumeId === record.volumeId) {
      addStep(plan.bricks, node, brickRemoveStep(b.path, record.volumeId));
      removed.push(`${node}:${b.path}`);
    } else {
      plan.left.push(
        `${node}:${b.path}: its trusted.glusterfs.volume-id is ${dir.volumeId ?? 'absent'}, not ${record.volumeId}, so it is not this volume's brick`,
      );
    }
  }
  plan.removes = { volume: verdict.fate, bricks: removed, unmounted };
  return plan;
}
