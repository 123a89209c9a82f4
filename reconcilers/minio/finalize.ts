// Deleting a MinioPool stops MinIO where it runs for this pool. Retain (the default) keeps every
// file; Delete removes only the drives the record names and the marker confirms (delete-plan.ts),
// and waits while a node holding a recorded drive cannot be reached. What is left is named in a
// Warning Event and the delete completes.
import type { ReconcileEvent } from '../contract.ts';
import type { MinioPool, MinioPoolStatus, PiNode } from './types.ts';
import { planStop, type PoolPlan } from './plan.ts';
import { poolPhases } from './apply.ts';
import { statusWith } from './status.ts';
import { ownerOf, type Owner } from '../shared/owner.ts';
import { planDriveDelete } from './delete-plan.ts';
import { notReady } from '../shared/not-ready.ts';
import { stop, type DeleteResult, type KindPlan, type Stages } from '../shared/engine.ts';
import { observeMembers, poolOrder, selectedNodes, type Members, type PoolRun } from './members.ts';

type Status = MinioPoolStatus;

/** The selected PiNodes and those holding recorded drives (by name, or by address), in pool order. */
function nodesToTearDown(run: PoolRun): { nodes: PiNode[]; nodeOfHost: Map<string, string> } {
  const all = run.ctx.view.list<PiNode>('PiNode', run.obj.metadata.namespace);
  const nodes = new Map(selectedNodes(run).map((n) => [n.metadata.name, n]));
  const nodeOfHost = new Map<string, string>();
  for (const d of run.obj.status?.owned?.drives ?? []) {
    const node = all.find((n) => n.metadata.name === d.node && n.spec.address === d.host) ?? all.find((n) => n.spec.address === d.host);
    if (!node) continue;
    nodes.set(node.metadata.name, node);
    nodeOfHost.set(d.host, node.metadata.name);
  }
  return { nodes: [...nodes.values()].sort(poolOrder), nodeOfHost };
}

function deleteMessage(owner: Owner | undefined, removes: readonly string[] | undefined): string {
  if (!owner || !removes)
    return 'reclaimPolicy Delete: nothing was recorded as created by this MinioPool (it never prepared a drive), so no data was deleted on the Pis';
  return removes.length
    ? `reclaimPolicy Delete: ${removes.length} drive(s) and their data deleted (${removes.join(', ')})`
    : 'reclaimPolicy Delete: no recorded drive was left to delete';
}

interface Scope {
  reclaim: 'Retain' | 'Delete';
  owner: Owner | undefined;
  record: Status['owned'];
  nodes: PiNode[];
  nodeOfHost: Map<string, string>;
}

interface Looked extends Scope {
  m: Members;
}

interface Planned extends KindPlan<Status> {
  plan: PoolPlan;
  drives: ReturnType<typeof planDriveDelete> | undefined;
}

/** Delete's four functions (engine.ts). */
export const deleteStages: Stages<MinioPool, Status, DeleteResult<Status>, Scope, Looked, Planned> = {
  validate(run) {
    const { obj } = run;
    return { reclaim: obj.spec.reclaimPolicy ?? 'Retain', owner: ownerOf(obj), record: obj.status?.owned, ...nodesToTearDown(run) };
  },

  async observe(run, scope) {
    // The recorded drives are what Delete acts on, wherever spec.drivePaths points now.
    const m = await observeMembers(run, scope.nodes, [
      ...new Set([...run.obj.spec.drivePaths, ...(scope.record?.drives ?? []).map((d) => d.path)]),
    ]);
    return { ...scope, m };
  },

  plan(run, { reclaim, owner, record, nodeOfHost, m }) {
    const pool = `${run.obj.metadata.namespace}/${run.obj.metadata.name}`;
    const plan = planStop(
      m.members.map((x) => x.name),
      m.observed,
      pool,
    );
    const drives =
      reclaim === 'Delete' && record && owner
        ? planDriveDelete({ record, ownerUid: owner.uid, nodeOfHost, observed: m.observed })
        : undefined;
    if (drives?.unreached.length) {
      const message = `reclaimPolicy Delete: waiting to reach the nodes of recorded drives before deleting data (${drives.unreached.join(', ')}): ${m.failures.join('; ')}; set reclaimPolicy Retain to delete the MinioPool without them`;
      return stop({ ...notReady(run, 'DeleteWaiting', message), done: false });
    }
    for (const [host, steps] of drives?.steps ?? []) {
      const node = plan.nodes.find((n) => n.host === host);
      if (node) node.roll.push(...steps);
      else plan.nodes.push({ host, stage: [], writeEnv: false, roll: steps });
    }
    return { targets: m.targets, secrets: [], eventHostOrder: 'as-applied', phases: poolPhases(plan, ''), plan, drives };
  },

  report(run, { reclaim, owner, record, m }, { plan, drives }, outcome) {
    if (outcome.failure) {
      const f = outcome.failure;
      return { ...notReady(run, 'CleanupFailed', `step ${f.step} on ${f.host} failed: ${f.message}`, { stalled: true }), done: false };
    }
    const events: ReconcileEvent[] = [...run.events];
    const stopped = plan.nodes.filter((n) => n.roll.some((s) => s.name === 'stop')).map((n) => n.host);
    let kept: string;
    if (reclaim === 'Delete') {
      kept = deleteMessage(owner, record && drives?.removes);
      events.push({ type: 'Normal', reason: drives?.removes.length ? 'DrivesDeleted' : 'NothingToDelete', message: kept });
      if (drives?.left.length)
        events.push({
          type: 'Warning',
          reason: 'DataLeftInPlace',
          message: `reclaimPolicy Delete left in place: ${drives.left.join('; ')}`,
        });
    } else {
      const where = record?.drives.map((d) => `${d.node}:${d.path}`) ?? [];
      kept = `reclaimPolicy Retain: data kept${where.length ? ` in ${where.join(', ')}` : ''}`;
    }
    // An unreachable Pi must not block deletion forever: say so, and let the person decide.
    const unreachable = m.failures.length ? `; not reached (MinIO may still run there): ${m.failures.join('; ')}` : '';
    const message = `minio stopped and disabled on ${stopped.length} node(s)${stopped.length ? ` (${stopped.join(', ')})` : ''}; ${kept}${unreachable}`;
    const status = statusWith(run.sctx, { ready: ['False', 'Deleted', message] }, {});
    events.push({ type: unreachable ? 'Warning' : 'Normal', reason: 'MinioPoolRemoved', message });
    return { status, events, done: true };
  },
};
