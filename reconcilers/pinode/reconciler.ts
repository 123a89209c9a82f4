// The PiNode reconciler: observe → plan → apply (unless paused) → status and Events.
//
// SSH round trips per reconcile (each is one exec on the host's pooled connection):
//   spec invalid, Secret missing/invalid, Pinned without key   0  (nothing is sent)
//   spec would lock bramble out of its login user (lockout.ts) 0
//   host key mismatch / unreachable / auth failed              1 attempt, nothing runs
//   no change (periodic resync of a converged Pi)              1  observe
//   paused, with or without drift                              1  observe (plan → pendingSteps)
//   converge (fresh Pi or drift)                               2  observe + one batched apply
//   a step fails                                               2  observe + apply up to the failure
// There is no verify round trip: every step verifies its own postcondition before it reports
// success (see apply.ts), and the next resync re-observes.
import { randomBytes } from 'node:crypto';
import type { Reconciler, ReconcileContext, ReconcileEvent, ReconcileResult } from '../contract.ts';
import { findCondition } from '../../crds/conditions.ts';
import { retryDelayMs, type RetryPolicy } from '../shared/retry-delay.ts';
import type { PiNode, PiNodeSpec, PiNodeStatus } from './pinode-types.ts';
import { specProblems } from './validate-spec.ts';
import { lockoutProblems } from './lockout.ts';
import { sshTargetFor } from '../shared/ssh-target.ts';
import { observe, ObserveFailedError } from './observe.ts';
import { planPiNode } from './plan.ts';
import { applyPlan, type ApplyOutcome } from '../shared/apply-plan.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';
import { rebootedEvents } from './reboot.ts';
import { appliedEvents, pausedEvents, warningOnChange, wasInSync } from './events.ts';
import {
  invalidSpecStatus,
  notConnectedStatus,
  observedStatus,
  observeFailedStatus,
  unreachableStatus,
  type StatusContext,
} from './status.ts';

/** How often a healthy Pi is re-observed for drift. */
export const driftCheckIntervalMs = 5 * 60_000;
/** Retries while something is wrong: from 10 s, doubling, up to the drift interval. */
export const retryPolicy: RetryPolicy = { minMs: 10_000, maxMs: driftCheckIntervalMs };

function key(node: PiNode): string {
  return `${node.metadata.namespace}/${node.metadata.name}`;
}

function nonce(): string {
  return randomBytes(8).toString('hex');
}

/** Backoff measured from when the condition last changed (see retry-delay.ts). */
function retryAfter(ctx: StatusContext, status: PiNodeStatus, conditionType: string): number {
  return retryDelayMs(findCondition(status.conditions, conditionType)?.lastTransitionTime, ctx.now, retryPolicy);
}

async function reconcilePiNode(node: PiNode, ctx: ReconcileContext): Promise<ReconcileResult<PiNodeStatus>> {
  const sctx: StatusContext = { previous: node.status, now: ctx.clock.now(), generation: node.metadata.generation };
  const problems = specProblems(node.spec);
  if (problems.length > 0) {
    const status = invalidSpecStatus(sctx, problems);
    return { status, events: warningOnChange(node.status, 'Configured', 'InvalidSpec', problems.join('; ')) };
  }

  const target = sshTargetFor(node, ctx.view);
  if (!target.ok) {
    const status = notConnectedStatus(sctx, target.reason, target.message);
    return {
      status,
      events: warningOnChange(node.status, 'Reachable', target.reason, target.message),
      requeueAfterMs: retryAfter(sctx, status, 'Reachable'),
    };
  }
  const lockout = lockoutProblems(node.spec, target.target.privateKey);
  if (lockout.length > 0) {
    const status = invalidSpecStatus(sctx, lockout, 'WouldLockOut');
    return { status, events: warningOnChange(node.status, 'Configured', 'WouldLockOut', lockout.join('; ')) };
  }

  let observed: Awaited<ReturnType<typeof observe>>;
  try {
    observed = await observe(ctx.executor, target.target, node.spec, nonce());
  } catch (error) {
    return sshFailed(node, sctx, error);
  }

  const events: ReconcileEvent[] = rebootedEvents(node.metadata.name, node.status?.facts, observed.observed.facts);
  const { hostKey } = observed;
  if (node.spec.ssh.hostKeyPolicy === 'TrustOnFirstUse' && !node.status?.hostKey && hostKey) {
    events.push({ type: 'Normal', reason: 'HostKeyRecorded', message: `trusted host key on first use: ${hostKey}` });
  }
  const plan = planPiNode(node.spec, observed.observed.state);
  const paused = node.spec.paused === true;
  let outcome: ApplyOutcome = { applied: [], pending: plan };
  if (paused) {
    events.push(...pausedEvents(plan, node.status));
  } else if (plan.length > 0) {
    try {
      outcome = await applyPlan(ctx.executor, target.target, plan, nonce());
    } catch (error) {
      return sshFailed(node, sctx, error);
    }
    events.push(...appliedEvents(outcome.applied, wasInSync(node.status)));
  }

  const status = observedStatus(sctx, {
    facts: observed.observed.facts,
    hostKey,
    pending: outcome.pending,
    paused,
    applied: outcome.applied,
    ...(outcome.failure ? { failure: outcome.failure } : {}),
  });
  if (outcome.failure) {
    ctx.log.warn('PiNode step failed', { pinode: key(node), step: outcome.failure.step.name, applied: outcome.applied.map((s) => s.name) });
    events.push(...warningOnChange(node.status, 'Configured', 'StepFailed', outcome.failure.message));
    return { status, events, requeueAfterMs: retryAfter(sctx, status, 'Stalled') };
  }
  if (outcome.applied.length > 0) {
    ctx.log.info('PiNode steps applied', { pinode: key(node), steps: outcome.applied.map((s) => s.name) });
  }
  return { status, events, requeueAfterMs: driftCheckIntervalMs };
}

/** The observe or the apply did not complete: the reason goes to Reachable (or Configured). */
function sshFailed(node: PiNode, sctx: StatusContext, error: unknown): ReconcileResult<PiNodeStatus> {
  if (error instanceof ObserveFailedError) {
    const status = observeFailedStatus(sctx, error.hostKey, error.message, error.reason);
    return {
      status,
      events: warningOnChange(node.status, 'Configured', error.reason, error.message),
      requeueAfterMs: retryAfter(sctx, status, 'Stalled'),
    };
  }
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  const status = unreachableStatus(sctx, failure.reason, failure.message, failure.needsAttention);
  return {
    status,
    events: warningOnChange(node.status, 'Reachable', failure.reason, failure.message),
    requeueAfterMs: retryAfter(sctx, status, 'Reachable'),
  };
}

export const piNodeReconciler: Reconciler<PiNodeSpec, PiNodeStatus> = {
  kind: 'PiNode',
  reconcile: reconcilePiNode,
};
