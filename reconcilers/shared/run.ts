// One reconcile or delete of one object, as the engine (engine.ts) carries it through a kind's
// validate → observe → plan → apply → report: the object, its context, the status context, the
// Events gathered on the way, and the source of per-run markers (fresh random ones unless a test
// fixes them).
import { randomBytes } from 'node:crypto';
import type { ReconcileContext, ReconcileEvent, Resource } from '../contract.ts';
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

export function startRun<Obj extends Resource<unknown, Status>, Status>(
  obj: Obj,
  ctx: ReconcileContext,
  nonce: () => string,
): Run<Obj, Status> {
  return {
    obj,
    ctx,
    sctx: { previous: obj.status, now: ctx.clock.now(), generation: obj.metadata.generation },
    events: [],
    nonce,
  };
}
