// Test support: reconcile a partition as the controller would (status written back into the
// view), and reconcile until nothing changes, as the requeues would.
import { createSlurmPartitionReconciler } from './reconciler.ts';
import type { Lab } from './cluster-fixture.test-support.ts';
import type { SlurmPartition } from './types.ts';

export const reconciler = createSlurmPartitionReconciler();

export async function reconcile(l: Lab, p: SlurmPartition) {
  l.view.put(p);
  const result = await reconciler.reconcile(p, l.ctx);
  p.status = result.status;
  l.view.put(p);
  return result;
}

/** Reconciles until nothing changes (at most 4 rounds). */
export async function converge(l: Lab, p: SlurmPartition) {
  for (let i = 0; i < 4; i++) {
    l.fleet.forgetCalls();
    const r = await reconcile(l, p);
    if (l.fleet.mutatingCalls().length === 0) return r;
  }
  throw new Error(
    `no convergence: ${l.fleet
      .mutatingCalls()
      .map((c) => `${c.host}: ${c.command.slice(0, 80)}`)
      .join('\n')}`,
  );
}
