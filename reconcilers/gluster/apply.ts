// apply: runs a plan phase by phase (brick hosts in parallel, then the primary, then mount
// hosts in parallel), each host's steps in ONE exec, and stops after the first phase that
// failed anywhere: a later phase depends on the earlier one (no volume without its peers).
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { Step } from '../shared/step.ts';
import { applyPlan } from '../shared/apply-plan.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';

export interface AppliedStep {
  host: string;
  step: Pick<Step, 'name' | 'description' | 'eventReason'>;
}

export interface ApplyOutcome {
  applied: AppliedStep[];
  failure?: { host: string; step: string; message: string };
}

export interface ApplyContext {
  executor: Executor;
  targets: ReadonlyMap<string, SshTarget>;
  nonce: () => string;
}

async function runHost(ctx: ApplyContext, host: string, steps: readonly Step[], out: ApplyOutcome): Promise<boolean> {
  if (steps.length === 0) return true;
  const target = ctx.targets.get(host);
  if (!target) {
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: `no SSH target for ${host}` };
    return false;
  }
  try {
    const outcome = await applyPlan(ctx.executor, target, steps, ctx.nonce());
    out.applied.push(...outcome.applied.map((step) => ({ host, step })));
    if (outcome.failure) out.failure ??= { host, step: outcome.failure.step.name, message: outcome.failure.message };
    return !outcome.failure;
  } catch (error) {
    const failure = reachabilityFailure(error);
    if (!failure) throw error;
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: `${failure.reason}: ${failure.message}` };
    return false;
  }
}

/** Runs the phases in order; within a phase, hosts run at once. */
export async function applyPhases(ctx: ApplyContext, phases: readonly ReadonlyMap<string, readonly Step[]>[]): Promise<ApplyOutcome> {
  const out: ApplyOutcome = { applied: [] };
  for (const phase of phases) {
    const results = await Promise.all([...phase].map(([host, steps]) => runHost(ctx, host, steps, out)));
    if (results.includes(false)) break;
  }
  return out;
}
