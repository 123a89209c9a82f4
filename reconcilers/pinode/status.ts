// Status and conditions for each way a PiNode reconcile can end. Pure: given the previous status,
// the time and what happened, returns the whole new status.
//   Reachable  — could bramble talk to the Pi (SSH connected, host key verified, sudo worked)
//   Configured — does the Pi match the spec (empty plan)
//   Ready      — Reachable and Configured
//   Reconciling / Stalled — kstatus, present only while True
import { removeCondition, setCondition, type Condition, type ConditionStatus } from '../../crds/conditions.ts';
import { pendingStepOf, type Step } from '../shared/step.ts';
import type { PiNodeFacts, PiNodeStatus } from './pinode-types.ts';

export interface StatusContext {
  previous: PiNodeStatus | undefined;
  now: Date;
  generation: number | undefined;
}

interface Verdict {
  reachable?: [ConditionStatus, string, string];
  configured?: [ConditionStatus, string, string];
  ready: [ConditionStatus, string, string];
  reconciling?: [string, string];
  stalled?: [string, string];
}

function conditionsFor(ctx: StatusContext, verdict: Verdict): Condition[] {
  let conditions: Condition[] = [...(ctx.previous?.conditions ?? [])];
  const set = (type: string, [status, reason, message]: [ConditionStatus, string, string]) => {
    const update = { type, status, reason, message, ...(ctx.generation !== undefined ? { observedGeneration: ctx.generation } : {}) };
    conditions = setCondition(conditions, update, ctx.now);
  };
  if (verdict.reachable) set('Reachable', verdict.reachable);
  if (verdict.configured) set('Configured', verdict.configured);
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

function withBase(ctx: StatusContext, conditions: Condition[], rest: Partial<PiNodeStatus>): PiNodeStatus {
  const status: PiNodeStatus = { ...ctx.previous, ...rest, conditions };
  if (ctx.generation !== undefined) status.observedGeneration = ctx.generation;
  return status;
}

/** The spec itself is unusable, or refused (reason WouldLockOut); nothing was sent. */
export function invalidSpecStatus(ctx: StatusContext, problems: string[], reason = 'InvalidSpec'): PiNodeStatus {
  const message = problems.join('; ');
  return withBase(
    ctx,
    conditionsFor(ctx, {
      configured: ['False', reason, message],
      ready: ['False', reason, message],
      stalled: [reason, message],
    }),
    {},
  );
}

/** No credentials or no host key to check against: no connection was attempted. */
export function notConnectedStatus(ctx: StatusContext, reason: string, message: string): PiNodeStatus {
  return withBase(
    ctx,
    conditionsFor(ctx, {
      reachable: ['Unknown', reason, message],
      ready: ['False', reason, message],
      stalled: [reason, message],
    }),
    {},
  );
}

/** The transport failed; the last known facts stay, marked by the old lastSeen. */
export function unreachableStatus(ctx: StatusContext, reason: string, message: string, needsAttention: boolean): PiNodeStatus {
  return withBase(
    ctx,
    conditionsFor(ctx, {
      reachable: ['False', reason, message],
      ready: ['False', reason, message],
      ...(needsAttention ? { stalled: [reason, message] as [string, string] } : { reconciling: ['Retrying', message] as [string, string] }),
    }),
    {},
  );
}

/** Connected, but the observe script did not run to its end (sudo refused, shell missing…) or its output was too large. */
export function observeFailedStatus(ctx: StatusContext, hostKey: string, message: string, reason = 'ObserveFailed'): PiNodeStatus {
  return withBase(
    ctx,
    conditionsFor(ctx, {
      reachable: ['True', 'Connected', 'SSH connection and host key verified'],
      configured: ['Unknown', reason, message],
      ready: ['False', reason, message],
      stalled: [reason, message],
    }),
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
  failure?: { step: Step; message: string };
}

function names(steps: readonly Step[]): string {
  return steps.map((s) => s.name).join(', ');
}

function configuredVerdict(o: ObservedOutcome): Pick<Verdict, 'configured' | 'ready' | 'stalled'> {
  if (o.failure) {
    return {
      configured: ['False', 'StepFailed', o.failure.message],
      ready: ['False', 'StepFailed', o.failure.message],
      stalled: ['StepFailed', o.failure.message],
    };
  }
  if (o.pending.length > 0) {
    const message = `paused: ${o.pending.length} step${o.pending.length === 1 ? '' : 's'} pending (${names(o.pending)})`;
    return { configured: ['False', 'Paused', message], ready: ['False', 'Paused', message] };
  }
  const configured: [ConditionStatus, string, string] =
    o.applied.length > 0
      ? ['True', 'Applied', `applied ${names(o.applied)}`]
      : ['True', 'InSync', o.paused ? 'matches the spec (paused)' : 'matches the spec'];
  return { configured, ready: ['True', 'Ready', 'reachable and configured'] };
}

export function observedStatus(ctx: StatusContext, o: ObservedOutcome): PiNodeStatus {
  return withBase(
    ctx,
    conditionsFor(ctx, { reachable: ['True', 'Connected', 'SSH connection and host key verified'], ...configuredVerdict(o) }),
    { facts: withBootTime(o.facts, ctx.now), hostKey: o.hostKey, lastSeen: ctx.now.toISOString(), pendingSteps: o.pending.map(pendingStepOf) },
  );
}

/** Boot time by the controller's clock (a Pi without a real-time clock may not know the date yet). */
function withBootTime(facts: PiNodeFacts, now: Date): PiNodeFacts {
  if (facts.uptimeSeconds === undefined) return facts;
  const booted = new Date(Math.floor(now.getTime() / 1000 - facts.uptimeSeconds) * 1000);
  return { ...facts, bootTime: booted.toISOString().replace('.000Z', 'Z') };
}
