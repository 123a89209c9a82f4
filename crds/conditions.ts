// Conditions as Kubernetes defines them (metav1.Condition), and the one rule for changing a list
// of them. Pure. Reconcilers build their conditions with reconcilers/shared/status-verdict.ts;
// the runtime fills in kstatus bookkeeping with controllers/status-conditions.ts.

export type ConditionStatus = 'True' | 'False' | 'Unknown';

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
  /** RFC 3339 time the status last changed. */
  lastTransitionTime: string;
}

/** kstatus: these are present only while True; anything else means "absent". */
const presentOnlyWhileTrue = new Set<string>(['Reconciling', 'Stalled']);

export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
  observedGeneration?: number;
}

export function findCondition(conditions: readonly Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

export function isConditionTrue(conditions: readonly Condition[] | undefined, type: string): boolean {
  return findCondition(conditions, type)?.status === 'True';
}

export function removeCondition(conditions: readonly Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/**
 * Returns the conditions with `update` applied, leaving the input untouched. As
 * meta.SetStatusCondition does, lastTransitionTime moves only when the status changes, so
 * watchers can tell how long a state has held. Reconciling/Stalled that are not True are
 * removed instead (kstatus).
 */
export function setCondition(conditions: readonly Condition[] | undefined, update: ConditionUpdate, now: Date): Condition[] {
  if (presentOnlyWhileTrue.has(update.type) && update.status !== 'True') return removeCondition(conditions, update.type);
  const existing = findCondition(conditions, update.type);
  const lastTransitionTime = existing && existing.status === update.status ? existing.lastTransitionTime : now.toISOString();
  const next: Condition = {
    type: update.type,
    status: update.status,
    reason: update.reason,
    message: update.message,
    ...(update.observedGeneration !== undefined ? { observedGeneration: update.observedGeneration } : {}),
    lastTransitionTime,
  };
  if (!existing) return [...(conditions ?? []), next];
  return (conditions ?? []).map((c) => (c.type === update.type ? next : c));
}
