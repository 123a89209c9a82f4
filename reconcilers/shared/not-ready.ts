// The not-Ready result of the multi-host kinds: every refusal and every wait is Ready=False with a
// reason (status-verdict.ts), retried with the one backoff policy they share.
import type { Condition } from '../../crds/conditions.ts';
import type { ReconcileResult } from '../contract.ts';
import type { RetryPolicy } from './retry-delay.ts';
import { notReadyResult, type RunState } from './status-verdict.ts';

/** A healthy resource is re-observed this often for drift. */
export const driftCheckIntervalMs = 5 * 60_000;
export const retryPolicy: RetryPolicy = { minMs: 10_000, maxMs: driftCheckIntervalMs };

/** What a kind's status must carry for the shared conditions. */
export interface ConditionedStatus {
  conditions?: Condition[];
  observedGeneration?: number;
  pendingSteps?: unknown;
}

export interface NotReadyOptions<S> {
  /** A person must act (Stalled); else the resource is still Reconciling. */
  stalled?: boolean;
  /** Status fields laid over the previous status. */
  rest?: Partial<S>;
}

export function notReady<S extends ConditionedStatus>(run: RunState<S>, reason: string, message: string, opts: NotReadyOptions<S> = {}): ReconcileResult<S> {
  return notReadyResult(run, retryPolicy, reason, message, opts);
}
