// The one engine every kind runs through, for a reconcile and for a delete alike:
// validate → observe → plan (the kind's functions, see contract.ts), then the phased apply
// (phased-apply.ts: file writes over stdin, secrets masked, applied-step Events), then the kind's
// optional afterApply (a change that may move the Pi, see contract.ts) when nothing failed, then its
// report. Nothing is applied while a host the plan touches is booting. `previewKind` runs the
// same first three stages and stops before apply: `bramble plan` shows exactly what would run.
import type { FinalizeResult, KindStages, PhasedPlan, ReconcileContext, ReconcileResult, Reconciler, Resource, Stop } from '../contract.ts';
import { applyPhases, type HostWork, type PhasedApplyOutcome } from './phased-apply.ts';
import { waitForBoot, type ConditionedStatus } from './not-ready.ts';
import { withKeyLock } from './key-lock.ts';
import { randomNonce, startRun, type Run } from './run.ts';

/** A plan as the engine applies it: phases of steps and file writes. */
export type KindPlan<Status> = PhasedPlan<HostWork[number], Status>;

/** A delete's result; not done unless the kind says so. */
export type DeleteResult<Status> = ReconcileResult<Status> & Partial<Pick<FinalizeResult<Status>, 'done'>>;

/** One intent's four functions (and the optional afterApply, whose result is A), as the engine calls them. */
export type Stages<Obj extends Resource<unknown, Status>, Status, R, V, O, P extends KindPlan<Status>, A = never> = KindStages<
  Run<Obj, Status>,
  R,
  V,
  O,
  P,
  PhasedApplyOutcome,
  A
>;

/**
 * A kind: its four functions for a reconcile and four for a delete. A kind that leaves nothing
 * behind to clean up (a PiNode configures the Pi it is) has neither finalizer nor finalize: a delete
 * then completes at once. O and P are what its reconcile observes and plans (a preview returns them).
 */
export interface Kind<Spec, Status extends ConditionedStatus, O = unknown, P extends KindPlan<Status> = KindPlan<Status>> {
  kind: string;
  finalizer?: string;
  /** Objects with one key run one at a time (they share hosts). */
  lockKey?(obj: Resource<Spec, Status>): string;
  reconcile: Stages<Resource<Spec, Status>, Status, ReconcileResult<Status>, unknown, O, P, unknown>;
  finalize?: Stages<Resource<Spec, Status>, Status, DeleteResult<Status>, unknown, unknown, KindPlan<Status>, unknown>;
}

export interface EngineOptions {
  /** The source of per-run markers; a test fixes it. */
  nonce?: () => string;
}

export const stop = <R>(result: R): Stop<R> => ({ stop: result });

function isStop<R>(x: unknown): x is Stop<R> {
  return typeof x === 'object' && x !== null && 'stop' in x;
}

/** Whether any phase gives any host anything to do. */
export const hasWork = (plan: KindPlan<unknown>): boolean =>
  plan.phases.some((phase) => [...phase.values()].some((work) => work.length > 0));

export interface Planned<O, P> {
  observed: O;
  planned: P;
}

/** validate → observe → plan: what the kind would apply, or why it stops there. Changes nothing. */
async function lookAndPlan<Obj extends Resource<unknown, Status>, Status, R, V, O, P extends KindPlan<Status>, A>(
  stages: Stages<Obj, Status, R, V, O, P, A>,
  run: Run<Obj, Status>,
): Promise<Stop<R> | Planned<O, P>> {
  const validated = await stages.validate(run);
  if (isStop<R>(validated)) return validated;
  const observed = await stages.observe(run, validated);
  if (isStop<R>(observed)) return observed;
  const planned = stages.plan(run, observed);
  if (isStop<R>(planned)) return planned;
  return { observed, planned };
}

async function runStages<
  Obj extends Resource<unknown, Status>,
  Status extends ConditionedStatus,
  R extends ReconcileResult<Status>,
  V,
  O,
  P extends KindPlan<Status>,
  A,
>(stages: Stages<Obj, Status, R, V, O, P, A>, run: Run<Obj, Status>, lockKey: string | undefined): Promise<R> {
  const converge = async (): Promise<Stop<R> | (Planned<O, P> & { outcome: PhasedApplyOutcome; after?: A })> => {
    const looked = await lookAndPlan(stages, run);
    if (isStop<R>(looked)) return looked;
    const { planned } = looked;
    // What looks missing on a booting host may be systemd's next job: nothing is applied then.
    const booting = planned.bootGate && hasWork(planned) ? waitForBoot(run, planned.bootGate.hosts, planned.bootGate.rest) : undefined;
    // R is ReconcileResult or DeleteResult, whose `done` is optional: a wait is the former.
    if (booting) return stop(booting as R);
    const outcome = await applyPhases(run, planned, planned.phases);
    if (!stages.afterApply || outcome.failure) return { ...looked, outcome };
    const after = await stages.afterApply(run, looked.observed, planned, outcome);
    if (isStop<R>(after)) return after;
    return { ...looked, outcome, after };
  };
  const reached = lockKey === undefined ? await converge() : await withKeyLock(lockKey, converge);
  if (isStop<R>(reached)) return reached.stop;
  return stages.report(run, reached.observed, reached.planned, reached.outcome, reached.after);
}

/** The Reconciler the runtime calls: each call a fresh Run through the kind's stages. */
export function createKindReconciler<Spec, Status extends ConditionedStatus, O, P extends KindPlan<Status>>(
  kind: Kind<Spec, Status, O, P>,
  options: EngineOptions = {},
): Reconciler<Spec, Status> {
  const nonce = options.nonce ?? randomNonce;
  const reconciler: Reconciler<Spec, Status> = {
    kind: kind.kind,
    reconcile: (obj, ctx) => runStages(kind.reconcile, startRun(obj, ctx, nonce), kind.lockKey?.(obj)),
  };
  const { finalizer, finalize } = kind;
  // No finalizer: the runtime never holds the delete, so finalize is never called.
  if (finalizer === undefined || finalize === undefined) return reconciler;
  return {
    ...reconciler,
    finalizer,
    async finalize(obj, ctx) {
      const result = await runStages(finalize, startRun(obj, ctx, nonce), kind.lockKey?.(obj));
      return { ...result, done: result.done ?? false };
    },
  };
}

/** What a preview found: the result the run stopped with, or the plan it would apply. */
export type Preview<Status, O = unknown, P extends KindPlan<Status> = KindPlan<Status>> =
  { stopped: ReconcileResult<Status> } | { observed: O; planned: P };

/**
 * The kind's validate, observe and plan of one object, stopping before apply: only the observe's
 * read-only commands reach the Pis. `ctx.secrets` decides whether a missing generated Secret
 * counts as created (a plan passes a creator that only records the wish).
 */
export async function previewKind<Spec, Status extends ConditionedStatus, O, P extends KindPlan<Status>>(
  kind: Kind<Spec, Status, O, P>,
  obj: Resource<Spec, Status>,
  ctx: ReconcileContext,
  options: EngineOptions = {},
): Promise<Preview<Status, O, P>> {
  const run = startRun(obj, ctx, options.nonce ?? randomNonce);
  const looked = await lookAndPlan(kind.reconcile, run);
  if (isStop<ReconcileResult<Status>>(looked)) return { stopped: looked.stop };
  return looked;
}
