// The not-Ready results of the multi-host kinds: every refusal and every wait is Ready=False with a
// reason (status-verdict.ts), retried with the one backoff policy they share; a host still booting
// is waited for without one.
import type { Condition } from '../../crds/conditions.ts';
import type { ReconcileResult } from '../contract.ts';
import { bootingHosts, bootRecheckMs } from './boot-state.ts';
import type { RetryPolicy } from './retry-delay.ts';
import { notReadyResult, statusWith, type RunState } from './status-verdict.ts';

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

export function notReady<S extends ConditionedStatus>(
  run: RunState<S>,
  reason: string,
  message: string,
  opts: NotReadyOptions<S> = {},
): ReconcileResult<S> {
  return notReadyResult(run, retryPolicy, reason, message, opts);
}

/**
 * Nothing is applied while a host boots or shuts down (boot-state.ts): what looks missing may be
 * systemd's next job. The result to return then; undefined when no host is booting.
 */
export function waitForBoot<S extends ConditionedStatus>(
  run: RunState<S>,
  observed: ReadonlyMap<string, { booting?: boolean }>,
  rest: Partial<S>,
): ReconcileResult<S> | undefined {
  const booting = bootingHosts(observed);
  if (!booting.length) return undefined;
  const message = `waiting for ${booting.join(', ')} to finish booting before changing anything`;
  const status = statusWith(run.sctx, { ready: ['False', 'HostBooting', message], reconciling: ['HostBooting', message] }, rest);
  return { status, events: run.events, requeueAfterMs: bootRecheckMs };
}

/**
 * Changes were applied: not Ready until the next observe sees the service settle (Slurm
 * re-reading its config, Gluster reporting the volume), which is looked at after `settleMs`.
 */
export function appliedAwaitingSettle<S extends ConditionedStatus>(
  run: RunState<S> & { events: ReconcileResult<S>['events'] },
  /** What the next observe looks for, e.g. "Slurm to settle". */
  waitingFor: string,
  applied: number,
  rest: Partial<S>,
  settleMs: number,
): ReconcileResult<S> {
  const status = statusWith(
    run.sctx,
    {
      ready: ['False', 'Converging', `changes applied; waiting for ${waitingFor}`],
      reconciling: ['Converging', `${applied} change(s) applied`],
    },
    rest,
  );
  return { status, events: run.events, requeueAfterMs: settleMs };
}
