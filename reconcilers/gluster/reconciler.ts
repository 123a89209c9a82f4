// The GlusterVolume reconciler: observe every brick and mount host once (in parallel; the first
// brick host that answers also reports the volume), plan (pure), apply in phases, report what
// Gluster says. A converged volume costs one exec per host and changes nothing.
import type { FinalizeResult, ReconcileContext, ReconcileEvent, ReconcileResult, Reconciler } from '../contract.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { findCondition } from '../../crds/conditions.ts';
import { pendingStepOf, type Step } from '../shared/step.ts';
import type { RetryPolicy } from '../shared/retry-delay.ts';
import { sshTargetFor } from '../shared/ssh-target.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';
import { IncompleteObserveError } from '../shared/parse-sections.ts';
import type { GlusterVolume, GlusterVolumeSpec, GlusterVolumeStatus, PiNode } from './types.ts';
import { byName, desiredVolume, volumeNameOf, type DesiredVolume, type LayoutOutcome } from './layout.ts';
import { glusterObserveScript, type ObserveRequest } from './observe-script.ts';
import { parseHostObservation, type HostObservation } from './parse-observed.ts';
import { planDelete, planIsEmpty, planVolume, type GlusterPlan } from './plan.ts';
import { applyPhases, type ApplyOutcome } from './apply.ts';
import { healthOf, statusWith } from './status.ts';
import { notReadyResult } from '../shared/status-verdict.ts';
import { randomNonce, startRun, type Run as SharedRun } from '../shared/run.ts';
import { bootingHosts, bootRecheckMs } from '../shared/boot-state.ts';

export const glusterFinalizer = 'bramble.dev/gluster-cleanup';
/** A healthy volume is re-observed this often for drift. */
export const driftCheckIntervalMs = 5 * 60_000;
/** After a change, or while a brick is down or a heal runs: look again soon. */
export const settleDelayMs = 5_000;
export const unhealthyRecheckMs = 15_000;
export const retryPolicy: RetryPolicy = { minMs: 10_000, maxMs: driftCheckIntervalMs };
export const observeTimeoutMs = 120_000;

export interface GlusterReconcilerOptions {
  nonce?: () => string;
}

type Status = GlusterVolumeStatus;

type Run = SharedRun<GlusterVolume, GlusterVolumeStatus>;

interface Observed {
  desired: DesiredVolume;
  targets: Map<string, SshTarget>;
  hosts: Map<string, HostObservation>;
  /** The brick host that reported the volume, when one did. */
  primary?: string;
  /** "node: why" for each host that could not be observed. */
  unreachable: string[];
}

function notReady(run: Run, reason: string, message: string, opts: { stalled?: boolean; rest?: Partial<Status> } = {}): ReconcileResult<Status> {
  return notReadyResult(run, retryPolicy, reason, message, opts);
}

function layoutOf(run: Run): LayoutOutcome {
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

async function observeHost(run: Run, target: SshTarget, request: ObserveRequest): Promise<HostObservation> {
  const nonce = run.nonce();
  const exec = await run.ctx.executor.exec(target, 'sh -s', { asRoot: true, stdin: glusterObserveScript(request, nonce), timeoutMs: observeTimeoutMs });
  return parseHostObservation(exec.stdout, nonce);
}

function whyUnobserved(error: unknown): string {
  if (error instanceof IncompleteObserveError) return 'observe script did not finish';
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return `${failure.reason}: ${failure.message}`;
}

/** One observe per host, in parallel; when the first brick host fails, the next one is asked about the volume. */
async function observe(run: Run, desired: DesiredVolume): Promise<Observed> {
  const { obj, ctx } = run;
  const ns = obj.metadata.namespace;
  const unreachable: string[] = [];
  const targets = new Map<string, SshTarget>();
  const names = [...new Set([...desired.bricks.map((b) => b.node), ...desired.mounts.map((m) => m.node)])];
  for (const name of names) {
    const node = ctx.view.get<PiNode>('PiNode', ns, name);
    const t = node ? sshTargetFor(node, ctx.view) : { ok: false as const, message: 'PiNode not found' };
    if (t.ok) targets.set(name, t.target);
    else unreachable.push(`${name}: ${t.message}`);
  }
  const brickOf = new Map(desired.bricks.map((b) => [b.node, b.dir] as const));
  const mounting = new Set(desired.mounts.map((m) => m.node));
  const requestFor = (name: string, primary: boolean): ObserveRequest => ({
    ...(brickOf.has(name) ? { brickDir: brickOf.get(name) } : {}),
    ...(primary ? { volume: desired.name } : {}),
    ...(mounting.has(name) && desired.mountPath ? { mountPath: desired.mountPath } : {}),
  });
  const hosts = new Map<string, HostObservation>();
  const failed = new Set<string>();
  const candidates = desired.bricks.map((b) => b.node).filter((n) => targets.has(n));
  const firstPrimary = candidates[0];
  await Promise.all([...targets].map(async ([name, target]) => {
    try {
      hosts.set(name, await observeHost(run, target, requestFor(name, name === firstPrimary)));
    } catch (error) {
      failed.add(name);
      unreachable.push(`${name}: ${whyUnobserved(error)}`);
    }
  }));
  // A host whose glusterd is stopped can still lead: the plan starts glusterd before anything else.
  const answers = (obs: HostObservation | undefined) => obs?.volume !== undefined && (!obs.volume.error || !obs.glusterd.active);
  let primary = firstPrimary !== undefined && answers(hosts.get(firstPrimary)) ? firstPrimary : undefined;
  for (const name of candidates.slice(1)) {
    if (primary || failed.has(name)) continue;
    const target = targets.get(name);
    if (!target) continue;
    try {
      const obs = await observeHost(run, target, requestFor(name, true));
      hosts.set(name, obs);
      if (answers(obs)) primary = name;
    } catch (error) {
      failed.add(name);
      hosts.delete(name);
      unreachable.push(`${name}: ${whyUnobserved(error)}`);
    }
  }
  return { desired, targets, hosts, ...(primary ? { primary } : {}), unreachable: unreachable.sort() };
}

function appliedEvents(applied: ApplyOutcome['applied']): ReconcileEvent[] {
  const byChange = new Map<string, { reason: string; description: string; hosts: string[] }>();
  for (const a of applied) {
    const key = `${a.step.eventReason}\n${a.step.description}`;
    const entry = byChange.get(key) ?? { reason: a.step.eventReason, description: a.step.description, hosts: [] };
    entry.hosts.push(a.host);
    byChange.set(key, entry);
  }
  return [...byChange.values()].map((e) => ({ type: 'Normal', reason: e.reason, message: `${e.description} (${e.hosts.sort().join(', ')})` }));
}

function pendingOf(plan: GlusterPlan, primary: string): { name: string; description: string }[] {
  const tagged = (host: string, steps: readonly Step[]) => steps.map((s) => {
    const p = pendingStepOf(s);
    return { name: `${p.name}:${host}`.slice(0, 128), description: p.description };
  });
  return [
    ...[...plan.prepare].flatMap(([h, s]) => tagged(h, s)),
    ...tagged(primary, plan.primary),
    ...[...plan.mount].flatMap(([h, s]) => tagged(h, s)),
  ].slice(0, 128);
}

/** Nothing is applied while a host boots: what looks missing may be systemd's next job. */
function waitForBoot(run: Run, booting: string[], fields: Partial<Status>): ReconcileResult<Status> {
  const message = `waiting for ${booting.join(', ')} to finish booting before changing anything`;
  const status = statusWith(run.sctx, { ready: ['False', 'HostBooting', message], reconciling: ['HostBooting', message] }, fields);
  return { status, events: run.events, requeueAfterMs: bootRecheckMs };
}

async function reconcileVolume(run: Run): Promise<ReconcileResult<Status>> {
  const layout = layoutOf(run);
  if (!layout.ok) return notReady(run, layout.reason, layout.message, { stalled: layout.stalled, rest: { volumeName: volumeNameOf(run.obj) } });
  const o = await observe(run, layout.volume);
  const health = healthOf(o.desired, o.hosts, o.primary, o.unreachable);
  if (!o.primary) {
    const why = o.unreachable.length ? o.unreachable.join('; ') : 'no brick host answered';
    return notReady(run, 'VolumeNotObserved', `no brick host could report the volume: ${why}`, { rest: health.fields });
  }
  const planned = planVolume({ desired: o.desired, hosts: o.hosts, primary: o.primary });
  if (!planned.ok) return notReady(run, planned.refusal.reason, planned.refusal.message, { stalled: planned.refusal.stalled, rest: health.fields });
  const plan = planned.plan;
  const booting = bootingHosts(o.hosts);
  if (!planIsEmpty(plan) && booting.length) return waitForBoot(run, booting, health.fields);
  if (!planIsEmpty(plan)) {
    const outcome = await applyPhases({ executor: run.ctx.executor, targets: o.targets, nonce: run.nonce }, [
      plan.prepare,
      new Map([[o.primary, plan.primary]]),
      plan.mount,
    ]);
    run.events.push(...appliedEvents(outcome.applied));
    if (outcome.failure) {
      const f = outcome.failure;
      return notReady(run, 'StepFailed', `step ${f.step} on ${f.host} failed: ${f.message}`, { stalled: true, rest: { ...health.fields, pendingSteps: pendingOf(plan, o.primary) } });
    }
    const status = statusWith(run.sctx, {
      ready: ['False', 'Converging', 'changes applied; waiting for Gluster to report'],
      reconciling: ['Converging', `${outcome.applied.length} change(s) applied`],
    }, health.fields);
    return { status, events: run.events, requeueAfterMs: settleDelayMs };
  }
  if (health.problems.length) {
    const message = health.problems.join('; ');
    const reason = health.problems.some((p) => p.startsWith('brick ')) ? 'BricksOffline' : health.problems.some((p) => p.includes('pending heal')) ? 'HealPending' : 'NotHealthy';
    const result = notReady(run, reason, message, { rest: health.fields });
    return { ...result, requeueAfterMs: unhealthyRecheckMs };
  }
  const f = health.fields;
  const status = statusWith(run.sctx, {
    ready: ['True', 'VolumeHealthy', `${f.bricksOnline}/${f.bricksTotal} bricks online, no heal pending, mounted on ${f.mountedNodes?.length ?? 0} node(s)`],
  }, health.fields);
  const events = [...run.events];
  if (findCondition(run.obj.status?.conditions, 'Ready')?.status !== 'True') events.push({ type: 'Normal', reason: 'VolumeHealthy', message: status.conditions?.[0]?.message ?? '' });
  return { status, events, requeueAfterMs: driftCheckIntervalMs };
}

async function deleteVolume(run: Run): Promise<FinalizeResult<Status>> {
  const layout = layoutOf(run);
  if (!layout.ok) {
    const r = notReady(run, 'DeleteBlocked', `reclaimPolicy Delete, but the bricks cannot be found: ${layout.message}`);
    return { ...r, done: false };
  }
  const o = await observe(run, layout.volume);
  if (!o.primary || o.unreachable.length) {
    const why = o.unreachable.length ? o.unreachable.join('; ') : 'no brick host answered';
    return { ...notReady(run, 'DeleteWaiting', `reclaimPolicy Delete: waiting to reach every host before deleting data: ${why}`), done: false };
  }
  const plan = planDelete(o.desired, o.hosts, o.primary);
  const outcome = await applyPhases({ executor: run.ctx.executor, targets: o.targets, nonce: run.nonce }, [
    plan.mount,
    new Map([[o.primary, plan.primary]]),
    plan.bricks,
  ]);
  run.events.push(...appliedEvents(outcome.applied));
  if (outcome.failure) {
    const f = outcome.failure;
    return { ...notReady(run, 'DeleteFailed', `step ${f.step} on ${f.host} failed: ${f.message}`, { stalled: true }), done: false };
  }
  const message = `reclaimPolicy Delete: volume ${o.desired.name} stopped and deleted, brick directories removed, unmounted from ${o.desired.mounts.length} node(s)`;
  const status = statusWith(run.sctx, { ready: ['False', 'Deleted', message] }, {});
  return { status, events: [...run.events, { type: 'Normal', reason: 'VolumeDeleted', message }], done: true };
}

/**
 * Retain leaves everything on the Pis exactly as it is: the volume stays started and mounted.
 * Unmounting would cut off whoever is using the data, and "stops nothing that holds data" includes
 * the mounts people write through; the fstab entries stay so the data keeps its place after a reboot.
 */
function retainVolume(run: Run): FinalizeResult<Status> {
  const name = volumeNameOf(run.obj);
  const bricks = run.obj.status?.bricks?.map((b) => `${b.node}:${b.path}`) ?? [];
  const mounted = run.obj.status?.mountedNodes ?? [];
  const message = `reclaimPolicy Retain: volume ${name} left started with its ${bricks.length} brick(s) and their data${bricks.length ? ` (${bricks.join(', ')})` : ''}`
    + `${mounted.length ? `, still mounted on ${mounted.join(', ')}` : ''}; nothing was unmounted, stopped or deleted`;
  const status = statusWith(run.sctx, { ready: ['False', 'Retained', message] }, {});
  return { status, events: [{ type: 'Normal', reason: 'VolumeRetained', message }], done: true };
}

export function createGlusterVolumeReconciler(options: GlusterReconcilerOptions = {}): Reconciler<GlusterVolumeSpec, GlusterVolumeStatus> {
  const nonce = options.nonce ?? randomNonce;
  const start = (obj: GlusterVolume, ctx: ReconcileContext): Run => startRun(obj, ctx, nonce);
  return {
    kind: 'GlusterVolume',
    finalizer: glusterFinalizer,
    reconcile: (obj, ctx) => reconcileVolume(start(obj, ctx)),
    async finalize(obj, ctx) {
      const run = start(obj, ctx);
      return (obj.spec.reclaimPolicy ?? 'Retain') === 'Delete' ? deleteVolume(run) : retainVolume(run);
    },
  };
}

export const glusterVolumeReconciler = createGlusterVolumeReconciler();
