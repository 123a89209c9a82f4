// Validate, observe and plan one PiNode: all the reconciler does before it applies, and all that
// `bramble plan` does, so the preview refuses what the operator refuses and plans what it would
// apply. Nothing here changes a Pi: at most one read-only exec.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { ClusterView } from '../contract.ts';
import { reachabilityFailure, type ReachabilityFailure } from '../shared/ssh-failure.ts';
import { sshTargetFor, type TargetOutcome } from '../shared/ssh-target.ts';
import type { Step } from '../shared/step.ts';
import { lockoutProblems } from './lockout.ts';
import { observe, ObserveFailedError, type Observed } from './observe.ts';
import type { PiNode } from './pinode-types.ts';
import { planPiNode } from './plan.ts';
import { specProblems } from './validate-spec.ts';
import { addressConflicts } from './network-conflict.ts';

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

export interface Planned {
  outcome: 'planned';
  target: SshTarget;
  observed: Observed;
  hostKey: string;
  /** The steps that would bring the Pi to its spec, in order; empty when it matches. */
  plan: Step[];
}

export type NotPlanned = SpecRefused | NoTarget | ObserveFailed | Unreachable;

/** Why one line of a plan or an Event: "REASON: message". */
export function describeNotPlanned(n: NotPlanned): string {
  return `${n.reason}: ${n.outcome === 'refused' ? n.problems.join('; ') : n.message}`;
}

/** A failed exec as an outcome. Anything that is not a transport failure is a bug, thrown again. */
export function failedExec(error: unknown): ObserveFailed | Unreachable {
  if (error instanceof ObserveFailedError)
    return { outcome: 'observeFailed', reason: error.reason, message: error.message, hostKey: error.hostKey };
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return { outcome: 'unreachable', ...failure };
}

export async function observeAndPlan(
  node: PiNode,
  view: ClusterView,
  executor: Executor,
  nonce: () => string,
): Promise<Planned | NotPlanned> {
  const problems = specProblems(node.spec);
  if (problems.length > 0) return { outcome: 'refused', reason: 'InvalidSpec', problems };
  const conflicts = addressConflicts(node, view);
  if (conflicts.length > 0) return { outcome: 'refused', reason: 'AddressConflict', problems: conflicts };
  const target = sshTargetFor(node, view);
  if (!target.ok) return { outcome: 'noTarget', ...target };
  const lockout = lockoutProblems(node.spec, target.target.privateKey);
  if (lockout.length > 0) return { outcome: 'refused', reason: 'WouldLockOut', problems: lockout };
  let seen: Awaited<ReturnType<typeof observe>>;
  try {
    seen = await observe(executor, target.target, node.spec, nonce());
  } catch (error) {
    return failedExec(error);
  }
  return {
    outcome: 'planned',
    target: target.target,
    observed: seen.observed,
    hostKey: seen.hostKey,
    plan: planPiNode(node.spec, seen.observed.state),
  };
}
