// The GlusterVolume reconciler: refuse what cannot be valid before any SSH (layout, edits that
// would orphan recorded data), observe every brick and mount host once (in parallel; the first
// brick host that answers also reports the volume), refuse a volume of the name that is not this
// resource's, record what is, plan (pure); the engine applies in phases; report what Gluster says. A converged
// volume costs one exec per host and changes nothing. Deletion is in finalize.ts.
import type { ReconcileResult, Reconciler } from '../contract.ts';
import { findCondition } from '../../crds/conditions.ts';
import { pendingStepOf, type Step } from '../shared/step.ts';
import { createKindReconciler, stop, type EngineOptions, type Kind, type KindPlan, type Stages } from '../shared/engine.ts';
import type { GlusterVolume, GlusterVolumeSpec, GlusterVolumeStatus, PiNode } from './types.ts';
import { byName, desiredVolume, volumeNameOf, type DesiredVolume, type LayoutOutcome } from './layout.ts';
import { observe, type Observed } from './observe.ts';
import { planIsEmpty, planVolume, type GlusterPlan } from './plan.ts';
import { healthOf, statusWith } from './status.ts';
import { legacyStatusRecords, ownerOf, ownershipOf, type Owner, type Ownership } from './ownership.ts';
import { editRefusal, ownMountsOf, recordOf } from './record.ts';
import { deleteStages } from './finalize.ts';
import type { VolumeRun } from './volume-run.ts';
import { appliedAwaitingSettle, driftCheckIntervalMs, notReady } from '../shared/not-ready.ts';

export { driftCheckIntervalMs, retryPolicy } from '../shared/not-ready.ts';
export { observeTimeoutMs } from './observe.ts';

export const glusterFinalizer = 'bramble.dev/gluster-cleanup';
/** After a change, or while a brick is down or a heal runs: look again soon. */
export const settleDelayMs = 5_000;
export const unhealthyRecheckMs = 15_000;

type Status = GlusterVolumeStatus;

/** Status fields that describe a volume; cleared when the volume of the name is not this resource's. */
const volumeFields = [
  'volumeState',
  'bricks',
  'bricksOnline',
  'bricksTotal',
  'peersConnected',
  'peersTotal',
  'healPendingEntries',
  'rebalance',
  'mountedNodes',
] as const;

function layoutOf(run: VolumeRun): LayoutOutcome {
  const { obj, ctx } = run;
  const ns = obj.metadata.namespace;
  const spec = obj.spec.bricks;
  let brickNodes: PiNode[];
  const missingNodes: string[] = [];
  if (spec.nodeNames) {
    brickNodes = [];
    for (const name of spec.nodeNames) {
      const node = ctx.view.get<PiNode>('PiNode', ns, name);
      if (node) brickNodes.push(node);
      else missingNodes.push(name);
    }
  } else {
    brickNodes = byName(ctx.view.list<PiNode>('PiNode', ns, spec.nodeSelector));
  }
  const mountNodes = obj.spec.mount ? byName(ctx.view.list<PiNode>('PiNode', ns, obj.spec.mount.nodeSelector)) : [];
  return desiredVolume({ obj, brickNodes, missingNodes, mountNodes });
}

function pendingOf(plan: GlusterPlan, primary: string): { name: string; description: string }[] {
  const tagged = (host: string, steps: readonly Step[]) =>
    steps.map((s) => {
      const p = pendingStepOf(s);
      return { name: `${p.name}:${host}`.slice(0, 128), description: p.description };
    });
  return [
    ...[...plan.prepare].flatMap(([h, s]) => tagged(h, s)),
    ...tagged(primary, plan.primary),
    ...[...plan.mount].flatMap(([h, s]) => tagged(h, s)),
  ].slice(0, 128);
}

/** Whose the volume of the wanted name is, as the primary's `volume info` shows it. */
function ownershipIn(run: VolumeRun, desired: DesiredVolume, o: Observed & { primary: string }, owner: Owner): Ownership {
  const info = o.hosts.get(o.primary)?.volume?.info;
  const previous = run.obj.status;
  const nodeOfHost = new Map(desired.bricks.map((b) => [b.address, b.node] as const));
  const recorded = info !== undefined && (previous?.owned?.volumeId === info.id || legacyStatusRecords(previous, info, nodeOfHost));
  return ownershipOf({ info, self: owner, recorded });
}

interface Validated {
  desired: DesiredVolume;
  owner: Owner;
}

interface Looked extends Validated {
  o: Observed & { primary: string };
  health: ReturnType<typeof healthOf>;
}

interface Planned extends KindPlan<Status> {
  plan: GlusterPlan;
  fields: Partial<Status>;
}

/** Reconcile's four functions (engine.ts). */
const reconcileStages: Stages<GlusterVolume, Status, ReconcileResult<Status>, Validated, Looked, Planned> = {
  validate(run) {
    const layout = layoutOf(run);
    if (!layout.ok)
      return stop(notReady(run, layout.reason, layout.message, { stalled: layout.stalled, rest: { volumeName: volumeNameOf(run.obj) } }));
    const desired = layout.volume;
    const edit = editRefusal(run.obj.status?.owned, desired);
    if (edit) return stop(notReady(run, edit.reason, edit.message, { stalled: edit.stalled }));
    const owner = ownerOf(run.obj);
    if (!owner)
      return stop(
        notReady(run, 'NoUid', 'the object has no metadata.uid to mark its volume with; nothing was sent to any Pi', { stalled: true }),
      );
    return { desired, owner };
  },

  async observe(run, { desired, owner }) {
    const o = await observe(run, {
      volume: desired.name,
      bricks: desired.bricks.map((b) => ({ node: b.node, dir: b.dir })),
      mounts: desired.mountPath ? desired.mounts.map((m) => ({ node: m.node, path: desired.mountPath ?? '' })) : [],
    });
    const health = healthOf(desired, o.hosts, o.primary, o.unreachable);
    const primary = o.primary;
    if (primary === undefined) {
      const why = o.unreachable.length ? o.unreachable.join('; ') : 'no brick host answered';
      return stop(notReady(run, 'VolumeNotObserved', `no brick host could report the volume: ${why}`, { rest: health.fields }));
    }
    return { desired, owner, o: { ...o, primary }, health };
  },

  plan(run, { desired, owner, o, health }) {
    const { primary } = o;
    const ownership = ownershipIn(run, desired, o, owner);
    if (ownership.kind === 'refused') {
      const cleared = Object.fromEntries(volumeFields.map((f) => [f, undefined])) as Partial<Status>;
      return stop(notReady(run, ownership.reason, ownership.message, { stalled: true, rest: { ...cleared, volumeName: desired.name } }));
    }
    const info = o.hosts.get(primary)?.volume?.info;
    const fields: Partial<Status> = { ...health.fields };
    if (ownership.kind === 'ours' && info) {
      const nodeOfHost = new Map(desired.bricks.map((b) => [b.address, b.node] as const));
      fields.owned = recordOf({ previous: run.obj.status?.owned, info, nodeOfHost, mounts: ownMountsOf(desired, o.hosts) });
    }
    const planned = planVolume({ desired, hosts: o.hosts, primary, owner, adopt: ownership.kind === 'adopt' });
    if (!planned.ok)
      return stop(notReady(run, planned.refusal.reason, planned.refusal.message, { stalled: planned.refusal.stalled, rest: fields }));
    const plan = planned.plan;
    return {
      targets: o.targets,
      secrets: [],
      phases: [plan.prepare, new Map([[primary, plan.primary]]), plan.mount],
      bootGate: { hosts: o.hosts, rest: fields },
      unobserved: o.unreachable,
      plan,
      fields,
    };
  },

  report(run, { o, health }, { plan, fields }, outcome) {
    if (!planIsEmpty(plan)) {
      if (outcome.failure) {
        const f = outcome.failure;
        return notReady(run, 'StepFailed', `step ${f.step} on ${f.host} failed: ${f.message}`, {
          stalled: true,
          rest: { ...fields, pendingSteps: pendingOf(plan, o.primary) },
        });
      }
      return appliedAwaitingSettle(run, 'Gluster to report', outcome.applied.length, fields, settleDelayMs);
    }
    if (health.problems.length) {
      const message = health.problems.join('; ');
      const reason = health.problems.some((p) => p.startsWith('brick '))
        ? 'BricksOffline'
        : health.problems.some((p) => p.includes('pending heal'))
          ? 'HealPending'
          : 'NotHealthy';
      const result = notReady(run, reason, message, { rest: fields });
      return { ...result, requeueAfterMs: unhealthyRecheckMs };
    }
    const status = statusWith(
      run.sctx,
      {
        ready: [
          'True',
          'VolumeHealthy',
          `${fields.bricksOnline}/${fields.bricksTotal} bricks online, no heal pending, mounted on ${fields.mountedNodes?.length ?? 0} node(s)`,
        ],
      },
      fields,
    );
    const events = [...run.events];
    if (findCondition(run.obj.status?.conditions, 'Ready')?.status !== 'True')
      events.push({ type: 'Normal', reason: 'VolumeHealthy', message: status.conditions?.[0]?.message ?? '' });
    return { status, events, requeueAfterMs: driftCheckIntervalMs };
  },
};

export const glusterVolumeKind: Kind<GlusterVolumeSpec, GlusterVolumeStatus> = {
  kind: 'GlusterVolume',
  finalizer: glusterFinalizer,
  reconcile: reconcileStages,
  finalize: deleteStages,
};

export function createGlusterVolumeReconciler(options: EngineOptions = {}): Reconciler<GlusterVolumeSpec, GlusterVolumeStatus> {
  return createKindReconciler(glusterVolumeKind, options);
}

export const glusterVolumeReconciler = createGlusterVolumeReconciler();
