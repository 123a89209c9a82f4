// Every way a PiNode reconcile ends without a plan of its own to report, and the result for each:
// refused (nothing sent), no SSH target (no connection attempted), an observe that did not run to
// its end, or a transport failure (during the observe, the apply or the network change). A Warning
// when the reason is new, on Configured for what is about the spec and Reachable for what is about
// the connection. A refused spec waits for a new generation; the rest retry with backoff.
import type { ReconcileResult } from '../contract.ts';
import { findCondition } from '../../crds/conditions.ts';
import { retryDelayMs, type RetryPolicy } from '../shared/retry-delay.ts';
import { reachabilityFailure, type ReachabilityFailure } from '../shared/ssh-failure.ts';
import type { TargetOutcome } from '../shared/ssh-target.ts';
import { ObserveFailedError } from './observe.ts';
import type { PiNodeStatus } from './pinode-types.ts';
import { warningOnChange } from './events.ts';
import { invalidSpecStatus, notConnectedStatus, observeFailedStatus, unreachableStatus, type StatusContext } from './status.ts';

/** How often a healthy Pi is re-observed for drift. */
export const driftCheckIntervalMs = 5 * 60_000;
/** Retries while something is wrong: from 10 s, doubling, up to the drift interval. */
export const retryPolicy: RetryPolicy = { minMs: 10_000, maxMs: driftCheckIntervalMs };

/** Refused before anything is sent: the spec is unusable, would lock bramble out (lockout.ts), or claims another PiNode's address. */
export interface SpecRefused {
  outcome: 'refused';
  reason: 'InvalidSpec' | 'WouldLockOut' | 'AddressConflict';
  problems: string[];
}

/** No credentials, or no host key to check against: no connection was attempted. */
export type NoTarget = { outcome: 'noTarget' } & Extract<TargetOutcome, { ok: false }>;

/** Connected, but the observe script did not run to its end or printed too much. */
export interface ObserveFailed {
  outcome: 'observeFailed';
  reason: ObserveFailedError['reason'];
  message: string;
  hostKey: string;
}

/** The transport failed (during the observe, or later during the apply). */
export type Unreachable = { outcome: 'unreachable' } & ReachabilityFailure;

export type NotPlanned = SpecRefused | NoTarget | ObserveFailed | Unreachable;

/** A failed exec as an outcome. Anything that is not a transport failure is a bug, thrown again. */
export function failedExec(error: unknown): ObserveFailed | Unreachable {
  if (error instanceof ObserveFailedError)
    return { outcome: 'observeFailed', reason: error.reason, message: error.message, hostKey: error.hostKey };
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return { outcome: 'unreachable', ...failure };
}

/** Backoff measured from when the condition last changed (see retry-delay.ts). */
export function retryAfter(sctx: StatusContext, status: PiNodeStatus, conditionType: string): number {
  return retryDelayMs(findCondition(status.conditions, conditionType)?.lastTransitionTime, sctx.now, retryPolicy);
}

export function notPlannedResult(sctx: StatusContext, n: NotPlanned): ReconcileResult<PiNodeStatus> {
  const { previous } = sctx;
  /** A Warning on `on` when new, and backoff from when `backoffFrom` last changed. */
  const retried = (status: PiNodeStatus, on: string, backoffFrom: string, message: string): ReconcileResult<PiNodeStatus> => ({
    status,
    events: warningOnChange(previous, on, n.reason, message),
    requeueAfterMs: retryAfter(sctx, status, backoffFrom),
  });
  switch (n.outcome) {
    case 'refused': {
      const message = n.problems.join('; ');
      return { status: invalidSpecStatus(sctx, n.problems, n.reason), events: warningOnChange(previous, 'Configured', n.reason, message) };
    }
    case 'noTarget':
      return retried(notConnectedStatus(sctx, n.reason, n.message), 'Reachable', 'Reachable', n.message);
    case 'observeFailed':
      return retried(observeFailedStatus(sctx, n.hostKey, n.message, n.reason), 'Configured', 'Stalled', n.message);
    case 'unreachable':
      return retried(unreachableStatus(sctx, n.reason, n.message, n.needsAttention), 'Reachable', 'Reachable', n.message);
  }
}
