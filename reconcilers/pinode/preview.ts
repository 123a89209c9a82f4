// What `bramble plan` shows for one PiNode: the same observe and plan as a reconcile, with
// nothing applied whatever the spec says (one SSH exec). The plan is `status.pendingSteps`.
import type { ReconcileContext, ReconcileResult } from '../contract.ts';
import type { PiNode, PiNodeStatus } from './pinode-types.ts';
import { piNodeReconciler } from './reconciler.ts';

export function previewPiNode(node: PiNode, ctx: ReconcileContext): Promise<ReconcileResult<PiNodeStatus>> {
  return piNodeReconciler.reconcile({ ...node, spec: { ...node.spec, paused: true } }, ctx);
}
