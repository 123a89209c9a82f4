// Validate, observe and plan one PiNode: all the reconciler does before it applies, and all that
// `bramble plan` does, so the preview refuses what the operator refuses and plans what it would
// apply. Nothing here changes a Pi: at most one read-only exec.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { ClusterView } from '../contract.ts';
import { sshTargetFor } from '../shared/ssh-target.ts';
import type { Step } from '../shared/step.ts';
import { lockoutProblems } from './lockout.ts';
import { observe, type Observed } from './observe.ts';
import { failedExec, type NotPlanned } from './not-planned.ts';

export { failedExec, type NotPlanned } from './not-planned.ts';
import type { PiNode } from './pinode-types.ts';
import { planPiNode } from './plan.ts';
import { specProblems } from './validate-spec.ts';
import { addressConflicts } from './network-conflict.ts';

export interface Planned {
  outcome: 'planned';
  target: SshTarget;
  observed: Observed;
  hostKey: string;
  /** The steps that would bring the Pi to its spec, in order; empty when it matches. */
  plan: Step[];
}

/** Why one line of a plan or an Event: "REASON: message". */
export function describeNotPlanned(n: NotPlanned): string {
  return `${n.reason}: ${n.outcome === 'refused' ? n.problems.join('; ') : n.message}`;
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
