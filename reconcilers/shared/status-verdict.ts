// The one condition builder every kind's status goes through: the kind's own conditions (PiNode's
// Reachable and Configured), then the kstatus ones from the same verdict: Ready always;
// Reconciling and Stalled only while true. Pure.
import { findCondition, removeCondition, setCondition, type Condition, type ConditionStatus } from '../../crds/conditions.ts';
import type { ReconcileEvent, ReconcileResult } from '../contract.ts';
import { retryDelayMs, type RetryPolicy } from './retry-delay.ts';

export interface StatusContext<S> {
  previous: S | undefined;
  now: Date;
  generation: number | undefined;
}

/** A condition's status, reason and message. */
export type ConditionValue = [ConditionStatus, string, string];

export interface Verdict {
  /**
   * The kind's own conditions by type, set in this order before Ready. A type left out keeps
   * what it said before (an invalid spec says nothing new about whether the Pi answers).
   */
  own?: Readonly<Record<string, ConditionValue>>;
  ready: ConditionValue;
  reconciling?: [string, string];
  stalled?: [string, string];
}

interface KindStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  pendingSteps?: unknown;
}

export function conditionsFor<S extends KindStatus>(ctx: StatusContext<S>, verdict: Verdict): Condition[] {
  let conditions: Condition[] = [...(ctx.previous?.conditions ?? [])];
  const gen = ctx.generation !== undefined ? { observedGeneration: ctx.generation } : {};
  const set = (type: string, [status, reason, message]: ConditionValue) => {
    conditions = setCondition(conditions, { type, status, reason, message, ...gen }, ctx.now);
  };
  for (const [type, value] of Object.entries(verdict.own ?? {})) set(type, value);
  set('Ready', verdict.ready);
  for (const [type, value] of [
    ['Reconciling', verdict.reconciling],
    ['Stalled', verdict.stalled],
  ] as const) {
    if (value) set(type, ['True', value[0], value[1]]);
    else conditions = removeCondition(conditions, type);
  }
  return conditions;
}

/** The previous status with `rest` laid over it and the verdict's conditions; pending steps only when given. */
export function statusWith<S extends KindStatus>(ctx: StatusContext<S>, verdict: Verdict, rest: Partial<S>): S {
  const status = { ...ctx.previous, ...rest, conditions: conditionsFor(ctx, verdict) } as S;
  if (ctx.generation !== undefined) status.observedGeneration = ctx.generation;
  if (rest.pendingSteps === undefined) delete status.pendingSteps;
  return status;
}

export interface RunState<S extends KindStatus> {
  obj: { status?: S };
  sctx: StatusContext<S>;
  events: ReconcileEvent[];
}

/**
 * Ready=False with a reason: Stalled when a person must act, else Reconciling. A Warning Event
 * only when the reason is new, and a retry that backs off from when Ready last changed.
 */
export function notReadyResult<S extends KindStatus>(
  run: RunState<S>,
  retryPolicy: RetryPolicy,
  reason: string,
  message: string,
  opts: { stalled?: boolean; rest?: Partial<S> } = {},
): ReconcileResult<S> {
  const verdict: Verdict = opts.stalled
    ? { ready: ['False', reason, message], stalled: [reason, message] }
    : { ready: ['False', reason, message], reconciling: [reason, message] };
  const status = statusWith(run.sctx, verdict, opts.rest ?? {});
  const previous = findCondition(run.obj.status?.conditions, 'Ready');
  const events = [...run.events];
  if (previous?.reason !== reason) events.push({ type: 'Warning', reason, message });
  const since = findCondition(status.conditions, 'Ready')?.lastTransitionTime;
  return { status, events, requeueAfterMs: retryDelayMs(since, run.sctx.now, retryPolicy) };
}
