// Conditions as Kubernetes defines them (metav1.Condition). Pure helpers both the controllers
// and the reconcilers use live here, beside the resource types.

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

/** Condition types every bramble kind reports. Reconciling and Stalled follow kstatus. */
export const ConditionType = {
  Ready: 'Ready',
  Reachable: 'Reachable',
  Configured: 'Configured',
  Reconciling: 'Reconciling',
  Stalled: 'Stalled',
} as const;

/** kstatus: these are present only while True; anything else means "absent". */
const presentOnlyWhileTrue = new Set<string>([ConditionType.Reconciling, ConditionType.Stalled]);

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

/**
 * Brings a condition list into kstatus shape: Ready always present (Unknown until someone
 * knows), Reconciling and Stalled only while True.
 */
export function normalizeConditions(conditions: readonly Condition[] | undefined, now: Date, observedGeneration?: number): Condition[] {
  let out = (conditions ?? []).filter((c) => !(presentOnlyWhileTrue.has(c.type) && c.status !== 'True'));
  if (!findCondition(out, ConditionType.Ready)) {
    out = setCondition(out, {
      type: ConditionType.Ready,
      status: 'Unknown',
      reason: 'NotObserved',
      message: 'Not observed yet.',
      ...(observedGeneration !== undefined ? { observedGeneration } : {}),
    }, now);
  }
  return out;
}

/** Whether two condition lists say the same thing (order ignored), to skip needless status writes. */
export function sameConditions(a: readonly Condition[] | undefined, b: readonly Condition[] | undefined): boolean {
  const key = (list: readonly Condition[] | undefined) => JSON.stringify([...(list ?? [])].sort((x, y) => (x.type < y.type ? -1 : 1))
    .map((c) => [c.type, c.status, c.reason, c.message, c.observedGeneration ?? null, c.lastTransitionTime]));
  return key(a) === key(b);
}
