// One Normal Event per kind of change applied, naming the hosts it was applied on (a fresh
// cluster is not twenty Events). For the multi-host kinds. Hosts are sorted, except in a rollout
// (MinIO's node-by-node restart), whose order is the story it tells.
import type { ReconcileEvent } from '../contract.ts';
import type { Step } from './step.ts';

export interface AppliedOnHost {
  host: string;
  step: Pick<Step, 'description' | 'eventReason'>;
}

export function appliedEvents(applied: readonly AppliedOnHost[], hostOrder: 'sorted' | 'as-applied' = 'sorted'): ReconcileEvent[] {
  const byChange = new Map<string, { reason: string; description: string; hosts: string[] }>();
  for (const a of applied) {
    const key = `${a.step.eventReason}\n${a.step.description}`;
    const entry = byChange.get(key) ?? { reason: a.step.eventReason, description: a.step.description, hosts: [] };
    entry.hosts.push(a.host);
    byChange.set(key, entry);
  }
  return [...byChange.values()].map((e) => ({
    type: 'Normal',
    reason: e.reason,
    message: `${e.description} (${(hostOrder === 'sorted' ? e.hosts.sort() : e.hosts).join(', ')})`,
  }));
}
