// What a plan printed and what the operator then applied, per host, in one shape to compare:
// the sorted step descriptions. The operator's side comes from its applied-step Events, one per
// kind of change, "description (pi0, pi1)" (reconcilers/shared/applied-events.ts).
import type { KindPlanReport } from '../../cli/plan/kind-plan.ts';
import type { EventJson } from './environment.ts';

/** Per host, the step descriptions a kind's plan printed, sorted. */
export function printedSteps(report: KindPlanReport): Record<string, string[]> {
  return Object.fromEntries(report.hosts.filter((h) => h.steps.length).map((h) => [h.subject, h.steps.map((s) => s.description).sort()]));
}

/** Per host, the step descriptions the operator applied to one multi-host object, sorted. */
export function appliedOnHosts(events: readonly EventJson[], kind: string, name: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const m = /^(.*) \(([^()]*)\)$/s.exec(e.note ?? '');
    if (e.regarding?.kind !== kind || e.regarding.name !== name || e.type !== 'Normal' || !m) continue;
    for (const host of (m[2] ?? '').split(', ')) (out[host] ??= []).push(m[1] ?? '');
  }
  for (const steps of Object.values(out)) steps.sort();
  return out;
}
