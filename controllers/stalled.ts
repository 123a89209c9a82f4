// How a reconciler asks, by throwing, for the object to be marked Stalled (kstatus) and not
// Ready: any error carrying `stalled: true` and a `reason`. Duck-typed, so reconcilers need not
// import the runtime. Other errors only back off and are logged.
import { removeCondition, setCondition, type Condition } from '../crds/conditions.ts';

export interface StalledSignal {
  stalled: true;
  reason: string;
  message: string;
}

export function asStalled(err: unknown): StalledSignal | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { stalled?: unknown; reason?: unknown; message?: unknown };
  if (e.stalled !== true || typeof e.reason !== 'string') return undefined;
  return { stalled: true, reason: e.reason, message: typeof e.message === 'string' ? e.message : e.reason };
}

export function stalledConditions(current: Condition[], signal: StalledSignal, now: Date): Condition[] {
  const why = { status: 'True' as const, reason: signal.reason, message: signal.message };
  const out = setCondition(removeCondition(current, 'Reconciling'), { type: 'Stalled', ...why }, now);
  return setCondition(out, { type: 'Ready', ...why, status: 'False' }, now);
}
