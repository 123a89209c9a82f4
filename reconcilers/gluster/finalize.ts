// What deleting a GlusterVolume does on the Pis. Retain (the default): nothing at all. Delete:
// only what the record in status names and the marker on the Pi confirms (delete-plan.ts); a
// resource that never recorded anything deletes nothing and sends nothing. Whatever is left is
// named in a Warning Event and the delete completes — except that Delete waits while a host it
// must act on cannot be reached, rather than delete part of the data silently.
import type { FinalizeResult, ReconcileEvent } from '../contract.ts';
import type { GlusterVolume, GlusterVolumeStatus, PiNode } from './types.ts';
import { volumeNameOf } from './layout.ts';
import { ownerOf } from './ownership.ts';
import { observe, type Observed } from './observe.ts';
import { planDelete, type DeletePlan } from './delete-plan.ts';
import { stop, type KindPlan, type Stages } from '../shared/engine.ts';
import { statusWith } from './status.ts';
import { notReady } from '../shared/not-ready.ts';
import type { VolumeRun } from './volume-run.ts';

type Result = FinalizeResult<GlusterVolumeStatus>;

function finished(run: VolumeRun, reason: string, message: string, events: ReconcileEvent[]): Result {
  const status = statusWith(run.sctx, { ready: ['False', reason, message] }, {});
  return { status, events: [...run.events, ...events], done: true };
}

function waiting(run: VolumeRun, reason: string, message: string, stalled = false): Result {
  return { ...notReady(run, reason, message, { stalled }), done: false };
}

function summary(name: string, id: string, removes: NonNullable<DeletePlan['removes']>): string {
  const volume = removes.volume === 'delete' ? `volume ${name} (${id}) stopped and deleted` : `volume ${name} (${id}) was already gone`;
  const bricks = removes.bricks.length
    ? `${removes.bricks.length} brick directories removed (${removes.bricks.join(', ')})`
    : 'no brick directory left to remove';
  const mounts = removes.unmounted.length ? `unmounted from ${removes.unmounted.join(', ')}` : 'no mount of it left';
  return `reclaimPolicy Delete: ${volume}, ${bricks}, ${mounts}`;
}

interface DeleteScope {
  record: NonNullable<GlusterVolumeStatus['owned']>;
  owner: NonNullable<ReturnType<typeof ownerOf>>;
}

interface DeleteLook extends DeleteScope {
  o: Observed;
  brickNodes: Map<string, string>;
}

interface DeletePlanned extends KindPlan<GlusterVolumeStatus> {
  removes: NonNullable<DeletePlan['removes']>;
  left: ReconcileEvent[];
}

/** Delete's four functions (engine.ts): Retain, and a resource that recorded nothing, stop before any SSH. */
export const deleteStages: Stages<GlusterVolume, GlusterVolumeStatus, Result, DeleteScope, DeleteLook, DeletePlanned> = {
  validate(run) {
    if ((run.obj.spec.reclaimPolicy ?? 'Retain') !== 'Delete') return stop(retainVolume(run));
    const record = run.obj.status?.owned;
    const owner = ownerOf(run.obj);
    if (!record || !owner) {
      const message =
        'reclaimPolicy Delete: nothing was recorded as created by this GlusterVolume (it never converged), so nothing was deleted on the Pis';
      return stop(finished(run, 'NothingToDelete', message, [{ type: 'Normal', reason: 'NothingToDelete', message }]));
    }
    return { record, owner };
  },

  async observe(run, { record, owner }) {
    const pinodes = run.ctx.view.list<PiNode>('PiNode', run.obj.metadata.namespace);
    const brickNodes = new Map<string, string>();
    for (const b of record.bricks) {
      const node = pinodes.find((n) => n.metadata.name === b.node) ?? pinodes.find((n) => n.spec.address === b.host);
      if (node) brickNodes.set(`${b.host}:${b.path}`, node.metadata.name);
    }
    const exists = new Set(pinodes.map((n) => n.metadata.name));
    const o = await observe(run, {
      volume: record.volumeName,
      bricks: record.bricks.flatMap((b) => {
        const node = brickNodes.get(`${b.host}:${b.path}`);
        return node ? [{ node, dir: b.path }] : [];
      }),
      mounts: (record.mounts ?? []).filter((m) => exists.has(m.node)),
    });
    const asked = o.primary ? o.hosts.get(o.primary)?.volume : undefined;
    if (o.unreachable.length || (brickNodes.size && !o.primary) || asked?.error) {
      const why = o.unreachable.length
        ? o.unreachable.join('; ')
        : asked?.error
          ? `gluster on ${o.primary} did not answer: ${asked.error}`
          : 'no brick host answered';
      return stop(waiting(run, 'DeleteWaiting', `reclaimPolicy Delete: waiting to reach every host before deleting data: ${why}`));
    }
    return { record, owner, o, brickNodes };
  },

  plan(run, { record, owner, o, brickNodes }) {
    const plan = planDelete({ record, ownerUid: owner.uid, hosts: o.hosts, primary: o.primary, brickNodes });
    const left: ReconcileEvent[] = plan.left.length
      ? [{ type: 'Warning', reason: 'DataLeftInPlace', message: `reclaimPolicy Delete left in place: ${plan.left.join('; ')}` }]
      : [];
    if (!plan.removes)
      return stop(finished(run, 'DataLeftInPlace', `reclaimPolicy Delete: nothing was deleted: ${plan.left.join('; ')}`, left));
    const phases = [plan.mount, new Map(o.primary ? [[o.primary, plan.primary]] : []), plan.bricks];
    return { targets: o.targets, secrets: [], phases, removes: plan.removes, left };
  },

  report(run, { record }, planned, outcome) {
    if (outcome.failure) {
      const f = outcome.failure;
      return waiting(run, 'DeleteFailed', `step ${f.step} on ${f.host} failed: ${f.message}`, true);
    }
    const message = summary(record.volumeName, record.volumeId, planned.removes);
    return finished(run, 'Deleted', message, [{ type: 'Normal', reason: 'VolumeDeleted', message }, ...planned.left]);
  },
};

/**
 * Retain leaves everything on the Pis exactly as it is: the volume stays started and mounted.
 * Unmounting would cut off whoever is using the data, and "stops nothing that holds data" includes
 * the mounts people write through; the fstab entries stay so the data keeps its place after a reboot.
 */
function retainVolume(run: VolumeRun): Result {
  const record = run.obj.status?.owned;
  const name = record?.volumeName ?? volumeNameOf(run.obj);
  const bricks = record
    ? record.bricks.map((b) => `${b.node ?? b.host}:${b.path}`)
    : (run.obj.status?.bricks?.map((b) => `${b.node}:${b.path}`) ?? []);
  const mounted = run.obj.status?.mountedNodes ?? [];
  const message =
    `reclaimPolicy Retain: volume ${name} left started with its ${bricks.length} brick(s) and their data${bricks.length ? ` (${bricks.join(', ')})` : ''}` +
    `${mounted.length ? `, still mounted on ${mounted.join(', ')}` : ''}; nothing was unmounted, stopped or deleted`;
  return finished(run, 'Retained', message, [{ type: 'Normal', reason: 'VolumeRetained', message }]);
}
