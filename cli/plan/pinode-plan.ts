// One PiNode's plan against the Pi as it is now: the reconciler's own observe and pure plan
// (reconcilers/pinode/), nothing applied, plus the diffs of the files its steps write.
import { randomBytes } from 'node:crypto';
import type { Executor } from '../../ssh/executor.ts';
import type { ClusterView } from '../../reconcilers/contract.ts';
import type { PiNode, PiNodeFacts } from '../../reconcilers/pinode/pinode-types.ts';
import { specProblems } from '../../reconcilers/pinode/validate-spec.ts';
import { sshTargetFor } from '../../reconcilers/shared/ssh-target.ts';
import { observe, ObserveFailedError } from '../../reconcilers/pinode/observe.ts';
import { planPiNode } from '../../reconcilers/pinode/plan.ts';
import { reachabilityFailure } from '../../reconcilers/shared/ssh-failure.ts';
import { plannedPiNodeFiles } from './pinode-files.ts';
import { attachDiffs } from './file-diffs.ts';
import { errorLine, type HostReport } from './report.ts';

export interface PiNodePlan {
  report: HostReport;
  /** What the Pi reported (a SlurmPartition's plan needs CPUs and memory). */
  facts?: PiNodeFacts;
}

const nonce = () => randomBytes(8).toString('hex');

export async function planPiNodeNow(node: PiNode, view: ClusterView, executor: Executor): Promise<PiNodePlan> {
  const report: HostReport = { subject: `PiNode ${node.metadata.namespace}/${node.metadata.name}`, address: node.spec.address, steps: [], notes: [] };
  const problems = specProblems(node.spec);
  if (problems.length) return { report: { ...report, error: `InvalidSpec: ${problems.join('; ')}` } };
  const target = sshTargetFor(node, view);
  if (!target.ok) return { report: { ...report, error: `${target.reason}: ${target.message}` } };
  try {
    const { observed, hostKey } = await observe(executor, target.target, node.spec, nonce());
    if (target.target.hostKey.policy === 'TrustOnFirstUse' && !target.target.hostKey.known) {
      report.notes.push(`host key accepted for this plan only (TrustOnFirstUse, nothing recorded): ${hostKey}`);
    }
    if (node.spec.paused) report.notes.push('paused: bramble would observe this Pi and change nothing');
    const steps = planPiNode(node.spec, observed.state);
    report.steps = steps.map((s) => ({ name: s.name, description: s.description }));
    await attachDiffs(executor, target.target, report.steps, plannedPiNodeFiles(node.spec, observed.state, steps), nonce());
    return { report, facts: observed.facts };
  } catch (error) {
    if (error instanceof ObserveFailedError) return { report: { ...report, error: `ObserveFailed: ${error.message}` } };
    const failure = reachabilityFailure(error);
    return { report: { ...report, error: failure ? `${failure.reason}: ${failure.message}` : errorLine(error) } };
  }
}
