// Events a PiNode reconcile emits: one per change made (worded as drift corrected when the Pi
// had been in sync before), one per newly detected drift while paused, and a Warning for each
// new reason the Pi cannot be reached or configured (repeats of the same reason stay quiet).
// While paused, pending changes are reported once each.
import type { ReconcileEvent } from '../contract.ts';
import { findCondition, isConditionTrue } from '../../crds/conditions.ts';
import type { Step } from '../shared/step.ts';
import type { PiNodeStatus } from './pinode-types.ts';

/** True when the previous status said the Pi matched its spec: a new plan then means drift. */
export function wasInSync(previous: PiNodeStatus | undefined): boolean {
  return isConditionTrue(previous?.conditions, 'Configured');
}

export function appliedEvents(applied: readonly Step[], drift: boolean): ReconcileEvent[] {
  return applied.map((step) =>
    drift
      ? { type: 'Normal', reason: 'DriftCorrected', message: `drift corrected: ${step.description}` }
      : { type: 'Normal', reason: step.eventReason, message: step.description },
  );
}

/**
 * While paused, each pending change is reported once, not on every resync: as drift when the Pi
 * had matched its spec before, otherwise as a change waiting for `paused: false`.
 */
export function pausedEvents(pending: readonly Step[], previous: PiNodeStatus | undefined): ReconcileEvent[] {
  const known = new Set((previous?.pendingSteps ?? []).map((p) => `${p.name}\n${p.description}`));
  const drift = wasInSync(previous);
  return pending
    .filter((s) => !known.has(`${s.name}\n${s.description}`))
    .map((s) =>
      drift
        ? { type: 'Normal', reason: 'DriftDetected', message: `drift detected, not corrected (paused): ${s.description}` }
        : { type: 'Normal', reason: 'ChangePending', message: `not applied (paused): ${s.description}` },
    );
}

/** A Warning unless the previous status already reported this condition with this reason. */
export function warningOnChange(
  previous: PiNodeStatus | undefined,
  conditionType: string,
  reason: string,
  message: string,
): ReconcileEvent[] {
  const prior = findCondition(previous?.conditions, conditionType);
  if (prior && prior.status !== 'True' && prior.reason === reason && prior.message === message) return [];
  return [{ type: 'Warning', reason, message }];
}
