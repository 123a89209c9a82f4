// apply: runs a ClusterPlan phase by phase — every host's prepare in parallel, then the
// controller's steps, then every host's finish in parallel — and stops after the first phase
// that failed anywhere. The munge key travels on stdin (writeFileIfChanged), never inside a
// step: a step's text is visible in the Pi's process list while it runs.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { writeFileIfChanged } from '../../ssh/remote-file.ts';
import type { Step } from '../shared/step.ts';
import { applyPlan } from '../shared/apply-plan.ts';
import type { ClusterPlan } from './plan.ts';
import { mungeKeyPath } from './observe-script.ts';
import { reachabilityFailure } from '../shared/ssh-failure.ts';
import { RemoteFileError } from '../../ssh/remote-file.ts';
import { maskSecrets, tail } from '../shared/mask-secrets.ts';

export interface AppliedStep {
  host: string;
  step: Pick<Step, 'name' | 'description' | 'eventReason'>;
}

export interface ClusterApplyOutcome {
  applied: AppliedStep[];
  /** The first failure: host, step name and a masked message. */
  failure?: { host: string; step: string; message: string };
}

export interface ApplyContext {
  executor: Executor;
  targets: ReadonlyMap<string, SshTarget>;
  mungeKey: Buffer;
  nonce: () => string;
}

async function runHost(ctx: ApplyContext, host: string, steps: readonly Step[], out: ClusterApplyOutcome, secrets: string[]): Promise<boolean> {
  if (steps.length === 0) return true;
  const target = ctx.targets.get(host);
  if (!target) {
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: `no SSH target for ${host}` };
    return false;
  }
  let outcome: Awaited<ReturnType<typeof applyPlan>>;
  try {
    outcome = await applyPlan(ctx.executor, target, steps, ctx.nonce());
  } catch (error) {
    out.failure ??= { host, step: steps[0]?.name ?? 'connect', message: failureMessage(error, secrets) };
    return false;
  }
  out.applied.push(...outcome.applied.map((step) => ({ host, step })));
  if (outcome.failure) {
    out.failure ??= { host, step: outcome.failure.step.name, message: maskSecrets(outcome.failure.message, secrets) };
    return false;
  }
  return true;
}

/** A transport or remote-file failure as one line; anything else is a bug and is rethrown. */
function failureMessage(error: unknown, secrets: string[]): string {
  if (error instanceof RemoteFileError) return tail(maskSecrets(error.message, secrets), 512);
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return `${failure.reason}: ${failure.message}`;
}

export async function applyClusterPlan(ctx: ApplyContext, plan: ClusterPlan, controller: string): Promise<ClusterApplyOutcome> {
  const out: ClusterApplyOutcome = { applied: [] };
  const secrets = [ctx.mungeKey.toString('base64')];

  const prepared = await Promise.all(plan.hosts.map(async (h) => {
    if (h.writeMungeKey) {
      const target = ctx.targets.get(h.host);
      if (!target) {
        out.failure ??= { host: h.host, step: 'munge-key', message: `no SSH target for ${h.host}` };
        return false;
      }
      // /etc/munge exists once the munge package is; install packages first when it is missing.
      const packages = h.prepare.filter((s) => s.name === 'packages');
      if (!(await runHost(ctx, h.host, packages, out, secrets))) return false;
      try {
        await writeFileIfChanged(ctx.executor, target, { path: mungeKeyPath, content: ctx.mungeKey, mode: 0o400, owner: 'munge', group: 'munge' });
      } catch (error) {
        out.failure ??= { host: h.host, step: 'munge-key', message: failureMessage(error, secrets) };
        return false;
      }
      out.applied.push({ host: h.host, step: { name: 'munge-key', description: `write ${mungeKeyPath}`, eventReason: 'MungeKeyWritten' } });
      return runHost(ctx, h.host, h.prepare.filter((s) => s.name !== 'packages'), out, secrets);
    }
    return runHost(ctx, h.host, h.prepare, out, secrets);
  }));
  if (prepared.includes(false)) return out;

  if (!(await runHost(ctx, controller, plan.controller, out, secrets))) return out;

  await Promise.all(plan.hosts.map((h) => runHost(ctx, h.host, h.finish, out, secrets)));
  return out;
}
