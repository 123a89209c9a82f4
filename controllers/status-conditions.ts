// Normalises the status a reconciler returns into what kstatus (Flux `wait`, Argo CD health)
// expects: `observedGeneration` on the status and on each condition, `Reconciling`/`Stalled`
// present only while True, and `lastTransitionTime` kept when a condition's status did not change
// (so an unchanged status produces no write).
import { setCondition, type Condition } from '../crds/conditions.ts';

export interface StatusWithConditions {
  observedGeneration?: number;
  conditions?: Condition[];
  [key: string]: unknown;
}

function conditionsOf(status: unknown): Condition[] {
  if (typeof status !== 'object' || status === null) return [];
  const c = (status as { conditions?: unknown }).conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function normalizeConditions(desired: Condition[], previous: Condition[], generation: number | undefined, now: Date): Condition[] {
  let out: Condition[] = [];
  for (const cond of desired) {
    // Start from what is stored, so an unchanged status keeps its lastTransitionTime
    // (crds' setCondition also drops Reconciling/Stalled unless True, as kstatus wants).
    const prior = previous.filter((p) => p.type === cond.type);
    const [next] = setCondition(
      prior,
      {
        type: cond.type,
        status: cond.status,
        reason: cond.reason,
        message: cond.message,
        observedGeneration: cond.observedGeneration ?? generation,
      },
      now,
    );
    if (next) out = [...out.filter((c) => c.type !== next.type), next];
  }
  return out;
}

/** The status to write: the reconciler's, with kstatus bookkeeping filled in. */
export function desiredStatus(reconciled: unknown, current: unknown, generation: number | undefined, now: Date): StatusWithConditions {
  const base: StatusWithConditions =
    typeof reconciled === 'object' && reconciled !== null ? { ...(reconciled as StatusWithConditions) } : {};
  if (Array.isArray(base.conditions)) {
    base.conditions = normalizeConditions(base.conditions, conditionsOf(current), generation, now);
  }
  if (generation !== undefined) base.observedGeneration = generation;
  return base;
}
