// One PiNode's plan against the Pi as it is now: the reconciler's own validate, observe and pure
// plan (reconcilers/pinode/observe-and-plan.ts), nothing applied, plus the diffs of the files its
// steps write. What the operator would refuse (an invalid spec, a lockout) is refused here too.
import type { Executor } from '../../ssh/executor.ts';
import type { ClusterView } from '../../reconcilers/contract.ts';
import type { PiNode, PiNodeFacts } from '../../reconcilers/pinode/pinode-types.ts';
import { describeNotPlanned, observeAndPlan } from '../../reconcilers/pinode/observe-and-plan.ts';
import { randomNonce } from '../../reconcilers/shared/run.ts';
import { reachabilityFailure } from '../../reconcilers/shared/ssh-failure.ts';
import { plannedPiNodeFiles } from './pinode-files.ts';
import { attachDiffs } from './file-diffs.ts';
import { errorLine, type HostReport } from './report.ts';

export interface PiNodePlan {
  report: HostReport;
  /** What the Pi reported (a SlurmPartition's plan needs CPUs and memory). */
  facts?: PiNodeFacts;
  /** The host key the Pi showed (the PiNode reconciler records it). */
  hostKey?: string;
}

export async function planPiNodeNow(node: PiNode, view: ClusterView, executor: Executor): Promise<PiNodePlan> {
  const report: HostReport = {
    subject: `PiNode ${node.metadata.namespace}/${node.metadata.name}`,
    address: node.spec.address,
    steps: [],
    notes: [],
  };
  try {
    const look = await observeAndPlan(node, view, executor, randomNonce);
    if (look.outcome !== 'planned') return { report: { ...report, error: describeNotPlanned(look) } };
    const { target, observed, hostKey, plan } = look;
    if (target.hostKey.policy === 'TrustOnFirstUse' && !target.hostKey.known) {
      report.notes.push(`host key accepted for this plan only (TrustOnFirstUse, nothing recorded): ${hostKey}`);
    }
    if (node.spec.paused) report.notes.push('paused: bramble would observe this Pi and change nothing');
    report.steps = plan.map((s) => ({ name: s.name, description: s.description }));
    await attachDiffs(executor, target, report.steps, plannedPiNodeFiles(node.spec, observed.state, plan), randomNonce());
    return { report, facts: observed.facts, hostKey };
  } catch (error) {
    const failure = reachabilityFailure(error);
    return { report: { ...report, error: failure ? `${failure.reason}: ${failure.message}` : errorLine(error) } };
  }
}
