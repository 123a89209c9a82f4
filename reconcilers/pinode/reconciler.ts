// The PiNode reconciler: validate → observe → plan (observe-and-plan.ts, the same as `bramble
// plan`) → apply (unless paused) → status and Events.
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
// success (see ../shared/apply-plan.ts), and the next resync re-observes.
import type { Reconciler, ReconcileContext, ReconcileEvent, ReconcileResult } from '../contract.ts';
import { findCondition } from '../../crds/conditions.ts';
import { retryDelayMs, type RetryPolicy } from '../shared/retry-delay.ts';
import { randomNonce } from '../shared/run.ts';
import type { PiNode, PiNodeSpec, PiNodeStatus } from './pinode-types.ts';
import { failedExec, observeAndPlan, type NotPlanned } from './observe-and-plan.ts';
import { applyPlan, type ApplyOutcome } from '../shared/apply-plan.ts';
import { rebootedEvents } from './reboot.ts';
import { healthEvents } from './health-conditions.ts';
import { reconcileNetwork, withNetworkResult, type NetworkResult } from './network-reconcile.ts';
import type { NetworkTiming } from './network-apply.ts';
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

export interface PiNodeReconcilerOptions {
  nonce?: () => string;
  /** The clock and sleep of a network change's confirm loop (a fake one in unit tests). */
  networkTiming?: NetworkTiming;
}

function key(node: PiNode): string {
  return `${node.metadata.namespace}/${node.metadata.name}`;
}

/** Backoff measured from when the condition last changed (see retry-delay.ts). */
function retryAfter(ctx: StatusContext, status: PiNodeStatus, conditionType: string): number {
  return retryDelayMs(findCondition(status.conditions, conditionType)?.lastTransitionTime, ctx.now, retryPolicy);
}

async function reconcilePiNode(
  node: PiNode,
  ctx: ReconcileContext,
  nonce: () => string,
  networkTiming?: NetworkTiming,
): Promise<ReconcileResult<PiNodeStatus>> {
  const sctx: StatusContext = { previous: node.status, now: ctx.clock.now(), generation: node.metadata.generation };
  const look = await observeAndPlan(node, ctx.view, ctx.executor, nonce);
  if (look.outcome !== 'planned') return notPlannedResult(node, sctx, look);
  const { target, observed, hostKey, plan } = look;

  const events: ReconcileEvent[] = rebootedEvents(node.metadata.name, node.status?.facts, observed.facts);
  if (node.spec.ssh.hostKeyPolicy === 'TrustOnFirstUse' && !node.status?.hostKey && hostKey) {
    events.push({ type: 'Normal', reason: 'HostKeyRecorded', message: `trusted host key on first use: ${hostKey}` });
  }
  const paused = node.spec.paused === true;
  let outcome: ApplyOutcome = { applied: [], pending: plan };
  if (paused) {
    events.push(...pausedEvents(plan, node.status));
  } else if (plan.length > 0) {
    try {
      outcome = await applyPlan(ctx.executor, target, plan, nonce());
    } catch (error) {
      return notPlannedResult(node, sctx, failedExec(error));
    }
    events.push(...appliedEvents(outcome.applied, wasInSync(node.status)));
  }

  // The network last: it may move the Pi to another address (network-reconcile.ts).
  let network: NetworkResult = { events: [] };
  if (!paused && !outcome.failure) {
    try {
      network = await reconcileNetwork(node, observed, {
        executor: ctx.executor,
        target,
        now: sctx.now,
        nonce: nonce(),
        ...(networkTiming ? { timing: networkTiming } : {}),
      });
    } catch (error) {
      return notPlannedResult(node, sctx, failedExec(error));
    }
    events.push(...network.events);
  }

  const status = withNetworkResult(
    observedStatus(sctx, {
      facts: observed.facts,
      hostKey,
      pending: outcome.pending,
      paused,
      applied: outcome.applied,
      ...(outcome.failure ? { failure: outcome.failure } : {}),
    }),
    network,
    sctx.now,
    sctx.generation,
  );
  events.push(...healthEvents(node.status, status));
  if (outcome.failure) {
    ctx.log.warn('PiNode step failed', { pinode: key(node), step: outcome.failure.step.name, applied: outcome.applied.map((s) => s.name) });
    events.push(...warningOnChange(node.status, 'Configured', 'StepFailed', outcome.failure.message));
    return { status, events, requeueAfterMs: retryAfter(sctx, status, 'Stalled') };
  }
  if (outcome.applied.length > 0) {
    ctx.log.info('PiNode steps applied', { pinode: key(node), steps: outcome.applied.map((s) => s.name) });
  }
  if (network.notReady?.stalled) return { status, events, requeueAfterMs: retryAfter(sctx, status, 'Stalled') };
  return { status, events, requeueAfterMs: network.requeueAfterMs ?? driftCheckIntervalMs };
}

/**
 * Refused, or the Pi could not be seen (or the apply lost it): a Warning when the reason is new,
 * on Configured for what is about the spec and Reachable for what is about the connection. A
 * refused spec waits for a new generation; the rest retry with backoff.
 */
function notPlannedResult(node: PiNode, sctx: StatusContext, n: NotPlanned): ReconcileResult<PiNodeStatus> {
  const previous = node.status;
  switch (n.outcome) {
    case 'refused': {
      const message = n.problems.join('; ');
      return { status: invalidSpecStatus(sctx, n.problems, n.reason), events: warningOnChange(previous, 'Configured', n.reason, message) };
    }
    case 'noTarget': {
      const status = notConnectedStatus(sctx, n.reason, n.message);
      return {
        status,
        events: warningOnChange(previous, 'Reachable', n.reason, n.message),
        requeueAfterMs: retryAfter(sctx, status, 'Reachable'),
      };
    }
    case 'observeFailed': {
      const status = observeFailedStatus(sctx, n.hostKey, n.message, n.reason);
      return {
        status,
        events: warningOnChange(previous, 'Configured', n.reason, n.message),
        requeueAfterMs: retryAfter(sctx, status, 'Stalled'),
      };
    }
    case 'unreachable': {
      const status = unreachableStatus(sctx, n.reason, n.message, n.needsAttention);
      return {
        status,
        events: warningOnChange(previous, 'Reachable', n.reason, n.message),
        requeueAfterMs: retryAfter(sctx, status, 'Reachable'),
      };
    }
  }
}

export function createPiNodeReconciler(options: PiNodeReconcilerOptions = {}): Reconciler<PiNodeSpec, PiNodeStatus> {
  const nonce = options.nonce ?? randomNonce;
  return {
    kind: 'PiNode',
    reconcile: (obj, ctx) => reconcilePiNode(obj, ctx, nonce, options.networkTiming),
  };
}

export const piNodeReconciler = createPiNodeReconciler();
