// One PiNode's plan against the Pi as it is now, through the engine like every kind
// (reconcilers/shared/engine.ts `previewKind`): the PiNode kind's own validate, observe and pure
// plan, stopped before apply (and so before any network change), plus the diffs of the files its
// steps write. What the operator would refuse (an invalid spec, a lockout) is refused here too.
import type { Executor } from '../../ssh/executor.ts';
import type { ClusterView } from '../../reconcilers/contract.ts';
import type { PiNode, PiNodeFacts } from '../../reconcilers/pinode/pinode-types.ts';
import { piNodeKind } from '../../reconcilers/pinode/reconciler.ts';
import { previewKind, type EngineOptions } from '../../reconcilers/shared/engine.ts';
import { randomNonce } from '../../reconcilers/shared/run.ts';
import { reachabilityFailure } from '../../reconcilers/shared/ssh-failure.ts';
import { plannedPiNodeFiles } from './pinode-files.ts';
import { attachDiffs } from './file-diffs.ts';
import { previewContext, stoppedBecause } from './kind-plan.ts';
import { errorLine, type HostReport } from './report.ts';

export interface PiNodePlan {
  report: HostReport;
  /** What the Pi reported (a SlurmPartition's plan needs CPUs and memory). */
  facts?: PiNodeFacts;
  /** The host key the Pi showed (the PiNode reconciler records it). */
  hostKey?: string;
}

/** The kind the operator runs; its network timing is never reached by a preview. */
const kind = piNodeKind();

export async function planPiNodeNow(node: PiNode, view: ClusterView, executor: Executor, options: EngineOptions = {}): Promise<PiNodePlan> {
  const report: HostReport = {
    subject: `PiNode ${node.metadata.namespace}/${node.metadata.name}`,
    address: node.spec.address,
    steps: [],
    notes: [],
  };
  try {
    const preview = await previewKind(kind, node, previewContext(view, executor), options);
    if ('stopped' in preview) return { report: { ...report, error: stoppedBecause(preview.stopped) } };
    const { target, observed, hostKey } = preview.observed;
    // Paused, the plan hands nothing to the apply, but its steps are what would wait.
    const { steps } = preview.planned;
    if (target.hostKey.policy === 'TrustOnFirstUse' && !target.hostKey.known) {
      report.notes.push(`host key accepted for this plan only (TrustOnFirstUse, nothing recorded): ${hostKey}`);
    }
    if (node.spec.paused) report.notes.push('paused: bramble would observe this Pi and change nothing');
    report.steps = steps.map((s) => ({ name: s.name, description: s.description }));
    const nonce = options.nonce ?? randomNonce;
    await attachDiffs(executor, target, report.steps, plannedPiNodeFiles(node.spec, observed.state, steps), nonce());
    return { report, facts: observed.facts, hostKey };
  } catch (error) {
    const failure = reachabilityFailure(error);
    return { report: { ...report, error: failure ? `${failure.reason}: ${failure.message}` : errorLine(error) } };
  }
}
