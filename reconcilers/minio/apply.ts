// apply: runs a PoolPlan. Phase one stages the binary on every node that needs it, in parallel,
// and stops if any download fails or has the wrong digest (nothing is installed anywhere then).
// Phase two is the rollout: one node at a time, env file first (writeFileIfChanged: content on
// stdin, mode 0600, never in a command line), then its steps, ending with a restart that waits
// for the node's /minio/health/live. The first failure stops the rollout.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { RemoteFileError, writeFileIfChanged } from '../../ssh/remote-file.ts';
import type { Step } from '../shared/step.ts';
import { maskSecrets, tail } from '../shared/mask-secrets.ts';
import { applyPlan } from '../shared/apply-plan.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';
import type { PoolPlan } from './plan.ts';
import { minioPaths } from './types.ts';

export interface AppliedStep {
  host: string;
  step: Pick<Step, 'name' | 'description' | 'eventReason'>;
}

export interface PoolApplyOutcome {
  applied: AppliedStep[];
  /** The first failure: node, step name and a masked message. */
  failure?: { host: string; step: string; message: string };
  /** Nodes in the order the rollout restarted them. */
  restarted: string[];
}

export interface PoolApplyContext {
  executor: Executor;
  targets: ReadonlyMap<string, SshTarget>;
  envText: string;
  /** Values masked out of any message (the root password, the SSH key). */
  secrets: readonly string[];
  nonce: () => string;
}

function failureMessage(error: unknown, secrets: readonly string[]): string {
  if (error instanceof RemoteFileError) return tail(maskSecrets(error.message, secrets), 512);
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return `${failure.reason}: ${failure.message}`;
}

async function runHost(ctx: PoolApplyContext, host: string, steps: readonly Step[], out: PoolApplyOutcome): Promise<boolean> {
  if (steps.length === 0) return true;
  const target = ctx.targets.get(host);
  if (!target) {
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: `no SSH target for ${host}` };
    return false;
  }
  try {
    const outcome = await applyPlan(ctx.executor, target, steps, ctx.nonce());
    out.applied.push(...outcome.applied.map((step) => ({ host, step })));
    if (outcome.applied.some((s) => s.name === 'restart')) out.restarted.push(host);
    if (outcome.failure) {
      out.failure ??= { host, step: outcome.failure.step.name, message: maskSecrets(outcome.failure.message, ctx.secrets) };
      return false;
    }
    return true;
  } catch (error) {
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: failureMessage(error, ctx.secrets) };
    return false;
  }
}

async function writeEnv(ctx: PoolApplyContext, host: string, out: PoolApplyOutcome): Promise<boolean> {
  const target = ctx.targets.get(host);
  if (!target) {
    out.failure ??= { host, step: 'env', message: `no SSH target for ${host}` };
    return false;
  }
  try {
    await writeFileIfChanged(ctx.executor, target, { path: minioPaths.envFile, content: ctx.envText, mode: 0o600 });
  } catch (error) {
    out.failure ??= { host, step: 'env', message: failureMessage(error, ctx.secrets) };
    return false;
  }
  out.applied.push({ host, step: { name: 'env', description: `write ${minioPaths.envFile}`, eventReason: 'EnvironmentWritten' } });
  return true;
}

export async function applyPoolPlan(ctx: PoolApplyContext, plan: PoolPlan): Promise<PoolApplyOutcome> {
  const out: PoolApplyOutcome = { applied: [], restarted: [] };
  const staged = await Promise.all(plan.nodes.map((n) => runHost(ctx, n.host, n.stage, out)));
  if (staged.includes(false)) return out;
  for (const node of plan.nodes) {
    if (node.writeEnv && !(await writeEnv(ctx, node.host, out))) return out;
    if (!(await runHost(ctx, node.host, node.roll, out))) return out;
  }
  return out;
}
