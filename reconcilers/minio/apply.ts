// MinIO's phases for the shared apply (../shared/phased-apply.ts). Phase one stages the binary on
// every node that needs it, at once; if any download fails or has the wrong digest, nothing is
// installed anywhere. Then the rollout, one node per phase: the env file first (over stdin, mode
// 0600, never in a command line), then its steps, ending with a restart that waits for the node's
// /minio/health/live. The first failure stops the rollout.
import type { FileWrite, Phase, PhasedApplyOutcome } from '../shared/phased-apply.ts';
import type { PoolPlan } from './plan.ts';
import { minioPaths } from './types.ts';

function envFile(envText: string): FileWrite {
  return {
    file: { path: minioPaths.envFile, content: envText, mode: 0o600 },
    step: { name: 'env', description: `write ${minioPaths.envFile}`, eventReason: 'EnvironmentWritten' },
  };
}

export function poolPhases(plan: PoolPlan, envText: string): Phase[] {
  const rollout = plan.nodes.map((n) => new Map([[n.host, [...(n.writeEnv ? [envFile(envText)] : []), ...n.roll]]]));
  return [new Map(plan.nodes.map((n) => [n.host, n.stage])), ...rollout];
}

/** Nodes in the order the rollout restarted them. */
export function restartedIn(outcome: PhasedApplyOutcome): string[] {
  return [...new Set(outcome.applied.filter((a) => a.step.name === 'restart').map((a) => a.host))];
}
