// The multi-host kinds' apply: phase by phase (GlusterVolume: brick hosts in parallel, then the
// primary, then mount hosts in parallel), each host's steps in ONE exec, and it stops after the
// first phase that failed anywhere: a later phase depends on the earlier one (no volume without
// its peers).
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { Step } from './step.ts';
import { applyPlan } from './apply-plan.ts';
import { reachabilityFailure } from './ssh-failure.ts';

export interface AppliedStep {
  host: string;
  step: Pick<Step, 'name' | 'description' | 'eventReason'>;
}

export interface PhasedApplyOutcome {
  applied: AppliedStep[];
  failure?: { host: string; step: string; message: string };
}

export interface PhasedApplyContext {
  executor: Executor;
  targets: ReadonlyMap<string, SshTarget>;
  nonce: () => string;
}

async function runHost(ctx: PhasedApplyContext, host: string, steps: readonly Step[], out: PhasedApplyOutcome): Promise<boolean> {
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
export async function applyPhases(ctx: PhasedApplyContext, phases: readonly ReadonlyMap<string, readonly Step[]>[]): Promise<PhasedApplyOutcome> {
  const out: PhasedApplyOutcome = { applied: [] };
  for (const phase of phases) {
    const results = await Promise.all([...phase].map(([host, steps]) => runHost(ctx, host, steps, out)));
    if (results.includes(false)) break;
  }
  return out;
}
