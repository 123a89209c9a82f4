// Status and conditions for each way a PiNode reconcile can end. Pure: given the previous status,
// the time and what happened, returns the whole new status.
//   Reachable  — could bramble talk to the Pi (SSH connected, host key verified, sudo worked)
//   Configured — does the Pi match the spec (empty plan)
//   Ready      — Reachable and Configured
//   Reconciling / Stalled — kstatus, present only while True
import type { ConditionValue, StatusContext as SharedStatusContext, Verdict } from '../shared/status-verdict.ts';
import { statusWith } from '../shared/status-verdict.ts';
import { pendingStepOf, type Step } from '../shared/step.ts';
import type { PiNodeFacts, PiNodeStatus } from './pinode-types.ts';
import { healthConditions } from './health-conditions.ts';
import { nextHealth } from './health-history.ts';

export type StatusContext = SharedStatusContext<PiNodeStatus>;

const connected: ConditionValue = ['True', 'Connected', 'SSH connection and host key verified'];

/**
 * A reconcile that did not get to plan: the last plan stays in pendingSteps until the Pi is seen
 * again, so a change waiting while paused is not announced a second time after an outage.
 */
function notPlannedStatus(ctx: StatusContext, verdict: Verdict, rest: Partial<PiNodeStatus> = {}): PiNodeStatus {
  return statusWith(ctx, verdict, { ...rest, pendingSteps: ctx.previous?.pendingSteps });
}

/** The spec itself is unusable, or refused (reason WouldLockOut); nothing was sent. */
export function invalidSpecStatus(ctx: StatusContext, problems: string[], reason = 'InvalidSpec'): PiNodeStatus {
  const message = problems.join('; ');
  return notPlannedStatus(ctx, {
    own: { Configured: ['False', reason, message] },
    ready: ['False', reason, message],
    stalled: [reason, message],
  });
}

/** No credentials or no host key to check against: no connection was attempted. */
export function notConnectedStatus(ctx: StatusContext, reason: string, message: string): PiNodeStatus {
  return notPlannedStatus(ctx, {
    own: { Reachable: ['Unknown', reason, message] },
    ready: ['False', reason, message],
    stalled: [reason, message],
  });
}

/** The transport failed; the last known facts stay, marked by the old lastSeen. */
export function unreachableStatus(ctx: StatusContext, reason: string, message: string, needsAttention: boolean): PiNodeStatus {
  return notPlannedStatus(ctx, {
    own: { Reachable: ['False', reason, message] },
    ready: ['False', reason, message],
    ...(needsAttention ? { stalled: [reason, message] } : { reconciling: ['Retrying', message] }),
  });
}

/** Connected, but the observe script did not run to its end (sudo refused, shell missing…) or its output was too large. */
export function observeFailedStatus(ctx: StatusContext, hostKey: string, message: string, reason = 'ObserveFailed'): PiNodeStatus {
  return notPlannedStatus(
    ctx,
    {
      own: { Reachable: connected, Configured: ['Unknown', reason, message] },
      ready: ['False', reason, message],
      stalled: [reason, message],
    },
    { hostKey, lastSeen: ctx.now.toISOString() },
  );
}

export interface ObservedOutcome {
  facts: PiNodeFacts;
  hostKey: string;
  /** Steps not applied (all of the plan when paused; from the failed one on after a failure). */
  pending: readonly Step[];
  paused: boolean;
  /** Steps applied successfully in this reconcile. */
  applied: readonly Step[];
  /** The step that failed (by name) and why. */
  failure?: { step: string; message: string };
}

function names(steps: readonly Step[]): string {
  return steps.map((s) => s.name).join(', ');
}

function observedVerdict(o: ObservedOutcome): Verdict {
  if (o.failure) {
    const { message } = o.failure;
    return {
      own: { Reachable: connected, Configured: ['False', 'StepFailed', message] },
      ready: ['False', 'StepFailed', message],
      stalled: ['StepFailed', message],
    };
  }
  if (o.pending.length > 0) {
    const message = `paused: ${o.pending.length} step${o.pending.length === 1 ? '' : 's'} pending (${names(o.pending)})`;
    return { own: { Reachable: connected, Configured: ['False', 'Paused', message] }, ready: ['False', 'Paused', message] };
  }
  const configured: ConditionValue =
    o.applied.length > 0
      ? ['True', 'Applied', `applied ${names(o.applied)}`]
      : ['True', 'InSync', o.paused ? 'matches the spec (paused)' : 'matches the spec'];
  return { own: { Reachable: connected, Configured: configured }, ready: ['True', 'Ready', 'reachable and configured'] };
}

export function observedStatus(ctx: StatusContext, o: ObservedOutcome): PiNodeStatus {
  const facts = withBootTime(o.facts, ctx.now);
  // PowerHealthy and StorageHealthy sit beside Reachable and Configured; Ready does not read them.
  const health = nextHealth(ctx.previous?.health, facts, ctx.now);
  const verdict = observedVerdict(o);
  return statusWith(
    ctx,
    { ...verdict, own: { ...verdict.own, ...healthConditions(facts, health) } },
    {
      facts,
      ...(health ? { health } : {}),
      hostKey: o.hostKey,
      lastSeen: ctx.now.toISOString(),
      pendingSteps: o.pending.map(pendingStepOf),
    },
  );
}

/** Boot time by the controller's clock (a Pi without a real-time clock may not know the date yet). */
function withBootTime(facts: PiNodeFacts, now: Date): PiNodeFacts {
  if (facts.uptimeSeconds === undefined) return facts;
  const booted = new Date(Math.floor(now.getTime() / 1000 - facts.uptimeSeconds) * 1000);
  return { ...facts, bootTime: booted.toISOString().replace('.000Z', 'Z') };
}
