// The MinioPool reconciler. Every reconcile observes each selected node once (in parallel), plans
// (pure), and only when the plan is not empty stages the binary everywhere, then rolls the change
// through the nodes one at a time (see apply.ts). A converged pool costs exactly one exec per node.
import type { FinalizeResult, ReconcileEvent, ReconcileResult, Reconciler } from '../contract.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { secretTargetsOf } from '../shared/secret-target.ts';
import { observeHosts } from '../shared/observe-hosts.ts';
import { applyPhases } from '../shared/phased-apply.ts';
import type { MinioPool, MinioPoolSpec, MinioPoolStatus, PiNode } from './types.ts';
import { minioObserveScript } from './observe-script.ts';
import { parseNodeObservation, type NodeObservation } from './parse-observed.ts';
import { naturalOrder, minioVolumes } from './volumes.ts';
import { renderEnvFile, renderUnit, sha256 } from './render.ts';
import { credentialsFrom } from './credentials.ts';
import { pendingStepsOf, planIsEmpty, planPool, planStop, rootFilesystemDrives, type PoolPlan, type PoolWanted } from './plan.ts';
import { poolPhases, restartedIn } from './apply.ts';
import { poolFigures, statusWith, type PoolMember } from './status.ts';
import { dataPathProblem } from '../../crds/data-path.ts';
import { ownerOf, type Owner } from '../shared/owner.ts';
import { collisionRefusal, serviceUserProblem } from './ownership.ts';
import { layoutRefusal, recordOf } from './record.ts';
import { planDriveDelete } from './delete-plan.ts';
import { driftCheckIntervalMs, notReady, retryPolicy, waitForBoot } from '../shared/not-ready.ts';
import { runReconciler, type ReconcilerOptions, type Run as SharedRun } from '../shared/run.ts';

export { driftCheckIntervalMs, retryPolicy } from '../shared/not-ready.ts';

export const minioFinalizer = 'bramble.dev/minio-cleanup';
/** After a rollout: re-observe soon, so status reports the cluster's health with the change. */
export const settleDelayMs = 3_000;
export const observeTimeoutMs = 60_000;

type Status = MinioPoolStatus;

type Run = SharedRun<MinioPool, MinioPoolStatus>;

interface Members {
  members: (PoolMember & { node: PiNode })[];
  targets: Map<string, SshTarget>;
  observed: Map<string, NodeObservation>;
  failures: string[];
}

const poolOrder = (a: PiNode, b: PiNode) => naturalOrder(a.spec.address, b.spec.address) || naturalOrder(a.metadata.name, b.metadata.name);

/** The PiNodes the selector picks, in pool order (by address). */
function selectedNodes(run: Run): PiNode[] {
  const { obj, ctx } = run;
  return ctx.view.list<PiNode>('PiNode', obj.metadata.namespace, obj.spec.nodeSelector).sort(poolOrder);
}

/** `nodes` (in the order given), their SSH targets, and one observe of each. */
async function observeMembers(run: Run, nodes: readonly PiNode[] = selectedNodes(run), drivePaths: readonly string[] = run.obj.spec.drivePaths): Promise<Members> {
  const { obj, ctx } = run;
  const members = nodes.map((node) => ({ name: node.metadata.name, address: node.spec.address, node }));
  const { targets, failures } = secretTargetsOf(nodes, ctx.view);
  const params = { apiPort: obj.spec.ports?.api ?? 9000, serviceUser: obj.spec.serviceUser ?? 'minio-user', drivePaths };
  const how = { script: (nonce: string) => minioObserveScript(params, nonce), parse: parseNodeObservation, timeoutMs: observeTimeoutMs };
  const o = await observeHosts(run, targets, () => how);
  return { members, targets, observed: o.observed, failures: [...failures, ...o.failures] };
}

function heldByPause(plan: PoolPlan, members: Members['members']): { plan: PoolPlan; held: string[] } {
  const paused = new Set(members.filter((m) => m.node.spec.paused === true).map((m) => m.name));
  const held = plan.nodes.filter((n) => paused.has(n.host) && (n.stage.length || n.writeEnv || n.roll.length)).map((n) => n.host);
  return { plan: { nodes: plan.nodes.filter((n) => !paused.has(n.host)) }, held };
}

async function reconcilePool(run: Run): Promise<ReconcileResult<Status>> {
  const { obj, ctx } = run;
  const { namespace, name } = obj.metadata;
  const spec = obj.spec;
  const apiPort = spec.ports?.api ?? 9000;
  const consolePort = spec.ports?.console ?? 9001;
  const serviceUser = spec.serviceUser ?? 'minio-user';
  if (spec.drivePaths.length !== (spec.drivesPerNode ?? 1)) {
    return notReady(run, 'InvalidSpec', `drivePaths lists ${spec.drivePaths.length} paths but drivesPerNode is ${spec.drivesPerNode ?? 1}`, { stalled: true });
  }
  const systemPaths = spec.drivePaths.flatMap((p) => dataPathProblem(p) ?? []);
  if (systemPaths.length) return notReady(run, 'SystemPath', `spec.drivePaths: ${systemPaths.join('; ')}; nothing was sent to any Pi`, { stalled: true });
  const owner = ownerOf(obj);
  if (!owner) return notReady(run, 'NoUid', 'the object has no metadata.uid to mark its drives with; nothing was sent to any Pi', { stalled: true });
  const selected = selectedNodes(run);
  const loginUsers = new Set(selected.flatMap((n) => [n.spec.ssh.user, ...(n.spec.users ?? []).map((u) => u.name)]));
  const userProblem = serviceUserProblem(serviceUser, loginUsers, new Map());
  if (userProblem) return notReady(run, 'ServiceUserRefused', `${userProblem}; nothing was sent to any Pi: choose a system user such as minio-user`, { stalled: true });
  const record = obj.status?.owned;
  const layout = layoutRefusal(record, selected.map((n) => ({ name: n.metadata.name, address: n.spec.address })), spec.drivePaths);
  if (layout) return notReady(run, layout.reason, layout.message, { stalled: true });
  const creds = credentialsFrom(ctx.view, namespace, spec.credentialsSecretRef.name);
  if (!creds.ok) return notReady(run, creds.reason, creds.message, { stalled: creds.reason === 'CredentialsSecretInvalid' });

  const m = await observeMembers(run, selected);
  if (m.members.length === 0) return notReady(run, 'NoNodesSelected', 'the nodeSelector selects no PiNode', { rest: { nodesTotal: 0, nodesOnline: 0, drivesTotal: 0, drivesOnline: 0 } });
  // Not one node could be asked (e.g. the SSH key Secret is gone): nothing is known of MinIO's
  // health, so say that rather than report servers that may well be serving as offline.
  if (m.observed.size === 0 && m.failures.length > 0) {
    return notReady(run, 'NodesNotObserved', `no node could be observed (MinIO may still be serving): ${m.failures.join('; ')}`);
  }
  const figures: Partial<Status> = poolFigures(m.members, m.observed, spec.drivePaths, apiPort);
  const owned = recordOf({ previous: record, self: owner, members: m.members, observed: m.observed, drivePaths: spec.drivePaths });
  if (owned) figures.owned = owned;
  const observedUserProblem = serviceUserProblem(serviceUser, loginUsers, m.observed);
  if (observedUserProblem) return notReady(run, 'ServiceUserRefused', `${observedUserProblem}; nothing was changed: choose a system user such as minio-user`, { stalled: true, rest: figures });
  const collision = collisionRefusal({ self: owner, drivePaths: spec.drivePaths, observed: m.observed, recordedDeploymentId: owned?.deploymentId });
  if (collision) return notReady(run, collision.reason, collision.message, { stalled: true, rest: figures });

  const onRoot = [...m.observed].flatMap(([host, o]) => rootFilesystemDrives(o, { allowRootFilesystem: spec.allowRootFilesystem ?? false }).map((p) => `${host}:${p}`));
  if (onRoot.length) {
    return notReady(run, 'DriveOnRootFilesystem', `drives on the root filesystem (set allowRootFilesystem to allow): ${onRoot.join(', ')}`, { stalled: true, rest: figures });
  }

  const volumes = minioVolumes(m.members.map((x) => x.address), apiPort, spec.drivePaths);
  const envText = renderEnvFile({ pool: `${namespace}/${name}`, volumes, apiPort, consolePort, credentials: creds.credentials });
  const unitText = renderUnit(`${namespace}/${name}`, serviceUser);
  const wanted: PoolWanted = {
    url: spec.source.url,
    sha256: spec.source.sha256,
    envSha256: sha256(envText),
    unitText,
    unitSha256: sha256(unitText),
    serviceUser,
    drivePaths: spec.drivePaths,
    apiPort,
    allowRootFilesystem: spec.allowRootFilesystem ?? false,
    owner,
  };
  const full = planPool(m.members.map((x) => x.name), m.observed, wanted);
  const { plan, held } = heldByPause(full, m.members);
  const pending = pendingStepsOf(full).slice(0, 128);
  if (!planIsEmpty(plan)) {
    const booting = waitForBoot(run, m.observed, { ...figures, pendingSteps: pending });
    if (booting) return booting;
  }
  const outcome = await applyPhases(run, { targets: m.targets, secrets: [creds.credentials.password], eventHostOrder: 'as-applied' }, poolPhases(plan, envText));
  const rest: Partial<Status> = { ...figures };
  // Drives marked just now are recorded now: a delete before the next observe still finds them.
  const prepared = outcome.applied.filter((a) => a.step.name === 'drives').map((a) => a.host);
  const recorded = recordOf({ previous: owned, self: owner, members: m.members, observed: m.observed, drivePaths: spec.drivePaths, prepared });
  if (recorded) rest.owned = recorded;

  if (outcome.failure) {
    const f = outcome.failure;
    const mismatch = f.step === 'fetch-binary' && /sha256 mismatch/.test(f.message);
    const reason = mismatch ? 'ChecksumMismatch' : 'StepFailed';
    return notReady(run, reason, `step ${f.step} on ${f.host} failed: ${f.message}${mismatch ? ' (nothing was installed)' : ''}`, { stalled: true, rest: { ...rest, pendingSteps: pending } });
  }
  if (outcome.applied.length > 0) {
    const restarted = restartedIn(outcome);
    const message = restarted.length ? `rolled out node by node: ${restarted.join(', ')}` : `${outcome.applied.length} change(s) applied`;
    const status = statusWith(run.sctx, { ready: ['False', 'RollingOut', message], reconciling: ['RollingOut', message] }, rest);
    return { status, events: run.events, requeueAfterMs: settleDelayMs };
  }
  if (held.length) return notReady(run, 'NodesPaused', `paused PiNodes have changes waiting: ${held.join(', ')}`, { rest: { ...rest, pendingSteps: pending } });
  const offline = m.members.filter((x) => m.observed.get(x.name)?.live !== 200).map((x) => x.name);
  const unreachable = m.failures.length ? `; unreachable: ${m.failures.join('; ')}` : '';
  if (figures.health !== 'Healthy') {
    const why = figures.health === 'NoWriteQuorum' ? 'MinIO reports no write quorum' : 'no node answers /minio/health/cluster';
    return notReady(run, figures.health === 'NoWriteQuorum' ? 'NoWriteQuorum' : 'Unreachable', `${why}; offline: ${offline.join(', ') || 'none'}${unreachable}`, { rest });
  }
  const message = `write quorum; ${figures.nodesOnline}/${figures.nodesTotal} nodes, ${figures.drivesOnline}/${figures.drivesTotal} drives online${offline.length ? `; offline: ${offline.join(', ')}` : ''}${unreachable}`;
  const status = statusWith(run.sctx, { ready: ['True', 'MinioHealthy', message] }, rest);
  return { status, events: run.events, requeueAfterMs: offline.length ? retryPolicy.minMs : driftCheckIntervalMs };
}

/** The selected PiNodes and those holding recorded drives (by name, or by address), in pool order. */
function nodesToTearDown(run: Run): { nodes: PiNode[]; nodeOfHost: Map<string, string> } {
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
  if (!owner || !removes) return 'reclaimPolicy Delete: nothing was recorded as created by this MinioPool (it never prepared a drive), so no data was deleted on the Pis';
  return removes.length ? `reclaimPolicy Delete: ${removes.length} drive(s) and their data deleted (${removes.join(', ')})` : 'reclaimPolicy Delete: no recorded drive was left to delete';
}

/**
 * Deletion stops MinIO where it runs for this pool. Retain (the default) keeps every file;
 * Delete removes only the drives the record names and the marker confirms (delete-plan.ts), and
 * waits while a node holding a recorded drive cannot be reached. What is left is named in a
 * Warning Event and the delete completes.
 */
async function finalizePool(run: Run): Promise<FinalizeResult<Status>> {
  const { obj } = run;
  const pool = `${obj.metadata.namespace}/${obj.metadata.name}`;
  const reclaim = obj.spec.reclaimPolicy ?? 'Retain';
  const owner = ownerOf(obj);
  const record = obj.status?.owned;
  const { nodes, nodeOfHost } = nodesToTearDown(run);
  // The recorded drives are what Delete acts on, wherever spec.drivePaths points now.
  const m = await observeMembers(run, nodes, [...new Set([...obj.spec.drivePaths, ...(record?.drives ?? []).map((d) => d.path)])]);
  const plan = planStop(m.members.map((x) => x.name), m.observed, pool);
  const drives = reclaim === 'Delete' && record && owner ? planDriveDelete({ record, ownerUid: owner.uid, nodeOfHost, observed: m.observed }) : undefined;
  if (drives?.unreached.length) {
    const message = `reclaimPolicy Delete: waiting to reach the nodes of recorded drives before deleting data (${drives.unreached.join(', ')}): ${m.failures.join('; ')}; set reclaimPolicy Retain to delete the MinioPool without them`;
    return { ...notReady(run, 'DeleteWaiting', message), done: false };
  }
  for (const [host, steps] of drives?.steps ?? []) {
    const node = plan.nodes.find((n) => n.host === host);
    if (node) node.roll.push(...steps);
    else plan.nodes.push({ host, stage: [], writeEnv: false, roll: steps });
  }
  const outcome = await applyPhases(run, { targets: m.targets, secrets: [], eventHostOrder: 'as-applied' }, poolPhases(plan, ''));
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
    if (drives?.left.length) events.push({ type: 'Warning', reason: 'DataLeftInPlace', message: `reclaimPolicy Delete left in place: ${drives.left.join('; ')}` });
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
}

export function createMinioPoolReconciler(options: ReconcilerOptions = {}): Reconciler<MinioPoolSpec, MinioPoolStatus> {
  return runReconciler({ kind: 'MinioPool', finalizer: minioFinalizer, reconcile: reconcilePool, finalize: finalizePool }, options);
}

export const minioPoolReconciler = createMinioPoolReconciler();
