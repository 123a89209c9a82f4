// Which watch updates of a controller's own kind are worth a reconcile. Status-only changes are
// skipped (a status write would otherwise trigger a second reconcile of every object, like
// controller-runtime's GenerationChangedPredicate). Relists (resyncs) do not come through here:
// the informer flags them and they always reconcile.
import type { KubeObject } from './kube-object.ts';
import { deepEqual } from './merge-patch.ts';

export function updateNeedsReconcile(oldObj: KubeObject, newObj: KubeObject): boolean {
  const o = oldObj.metadata;
  const n = newObj.metadata;
  if (o.resourceVersion === n.resourceVersion) return true;
  if (o.generation === undefined || n.generation === undefined) return true;
  return (
    o.generation !== n.generation ||
    o.deletionTimestamp !== n.deletionTimestamp ||
    !deepEqual(o.labels ?? {}, n.labels ?? {}) ||
    !deepEqual(o.annotations ?? {}, n.annotations ?? {}) ||
    !deepEqual(o.finalizers ?? [], n.finalizers ?? [])
  );
}
