// Slurm's phases for the shared apply (../shared/phased-apply.ts): every host's prepare at once,
// then the controller's steps, then every host's finish at once. The munge key travels on stdin,
// never inside a step: a step's text is visible in the Pi's process list while it runs.
import type { FileWrite, Phase } from '../shared/phased-apply.ts';
import type { ClusterPlan } from './plan.ts';
import { mungeKeyPath } from './observe-script.ts';

function mungeKeyFile(key: Buffer): FileWrite {
  return {
    file: { path: mungeKeyPath, content: key, mode: 0o400, owner: 'munge', group: 'munge' },
    step: { name: 'munge-key', description: `write ${mungeKeyPath}`, eventReason: 'MungeKeyWritten' },
  };
}

export function clusterPhases(plan: ClusterPlan, controller: string, mungeKey: Buffer): Phase[] {
  const prepare = plan.hosts.map((h) => {
    if (!h.writeMungeKey) return [h.host, h.prepare] as const;
    // /etc/munge exists once the munge package is; install packages first when it is missing.
    const packages = h.prepare.filter((s) => s.name === 'packages');
    return [h.host, [...packages, mungeKeyFile(mungeKey), ...h.prepare.filter((s) => s.name !== 'packages')]] as const;
  });
  return [new Map(prepare), new Map([[controller, plan.controller]]), new Map(plan.hosts.map((h) => [h.host, h.finish]))];
}

/** What the kind declares secret in what it applies: the munge key, as a failing tool would print it. */
export function clusterSecrets(mungeKey: Buffer): string[] {
  return [mungeKey.toString('base64')];
}
