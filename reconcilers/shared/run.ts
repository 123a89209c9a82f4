// One reconcile of one object, as the multi-host kinds carry it through observe → plan → apply
// → status: the object, its context, the status context, the Events gathered on the way, and
// the source of per-run markers (a fresh random one unless a test fixes it).
import { randomBytes } from 'node:crypto';
import type { FinalizeResult, ReconcileContext, ReconcileEvent, ReconcileResult, Reconciler, Resource } from '../contract.ts';
import type { StatusContext } from './status-verdict.ts';

export interface Run<Obj extends Resource<unknown, Status>, Status> {
  obj: Obj;
  ctx: ReconcileContext;
  sctx: StatusContext<Status>;
  events: ReconcileEvent[];
  nonce: () => string;
}

/** A marker no output from the Pi can guess (see step-script.ts). */
export const randomNonce = (): string => randomBytes(8).toString('hex');

export function startRun<Obj extends Resource<unknown, Status>, Status>(obj: Obj, ctx: ReconcileContext, nonce: () => string): Run<Obj, Status> {
  return {
    obj,
    ctx,
    sctx: { previous: obj.status, now: ctx.clock.now(), generation: obj.metadata.generation },
    events: [],
    nonce,
  };
}

export interface ReconcilerOptions {
  /** The source of per-run markers; a test fixes it. */
  nonce?: () => string;
}

/** A multi-host kind as its reconcile and finalize of one Run. */
export interface KindRuns<Spec, Status> {
  kind: string;
  finalizer: string;
  reconcile(run: Run<Resource<Spec, Status>, Status>): Promise<ReconcileResult<Status>>;
  finalize(run: Run<Resource<Spec, Status>, Status>): Promise<FinalizeResult<Status>>;
}

/** The Reconciler the runtime calls: each call a fresh Run. */
export function runReconciler<Spec, Status>(kind: KindRuns<Spec, Status>, options: ReconcilerOptions = {}): Reconciler<Spec, Status> {
  const nonce = options.nonce ?? randomNonce;
  return {
    kind: kind.kind,
    finalizer: kind.finalizer,
    reconcile: (obj, ctx) => kind.reconcile(startRun(obj, ctx, nonce)),
    finalize: (obj, ctx) => kind.finalize(startRun(obj, ctx, nonce)),
  };
}
