// The text `bramble plan` prints: per subject, each step with its description and file diff,
// then a summary line. Pure.
import type { HostReport } from './report.ts';
import type { KindPlanReport } from './kind-plan.ts';

export interface PlanResult {
  pinodes: HostReport[];
  /** SlurmPartitions, GlusterVolumes and MinioPools, one report per converge. */
  kinds: KindPlanReport[];
  /** Documents in the file bramble cannot preview (kinds without a previewable reconciler). */
  skipped: string[];
}

const indent = (text: string, by: string) =>
  text
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => `${by}${l}`)
    .join('\n');

function renderHost(host: HostReport, title: string, pad: string): string[] {
  const out = [`${pad}${title}`];
  const inner = `${pad}  `;
  for (const note of host.notes) out.push(`${inner}# ${note}`);
  if (host.error) out.push(`${inner}! cannot plan: ${host.error}`);
  else if (host.steps.length === 0) out.push(`${inner}= in sync, nothing to do`);
  for (const step of host.steps) {
    out.push(`${inner}~ ${step.name}: ${step.description}`);
    if (step.note) out.push(`${inner}    # ${step.note}`);
    if (step.diff) out.push(indent(step.diff, `${inner}    `));
  }
  return out;
}

export function summaryOf(result: PlanResult): { changes: number; hostsChanging: number; hostsInSync: number; failed: number } {
  const hosts = [...result.pinodes, ...result.kinds.flatMap((c) => c.hosts)];
  return {
    changes: hosts.reduce((n, h) => n + h.steps.length, 0),
    hostsChanging: new Set(hosts.filter((h) => h.steps.length > 0).map((h) => h.address)).size,
    hostsInSync: result.pinodes.filter((h) => !h.error && h.steps.length === 0).length,
    failed: hosts.filter((h) => h.error).length + result.kinds.filter((c) => c.error).length,
  };
}

export function renderPlan(result: PlanResult): string {
  const out: string[] = [];
  for (const host of result.pinodes) out.push(...renderHost(host, `${host.subject} (${host.address})`, ''), '');
  for (const cluster of result.kinds) {
    out.push(cluster.subject);
    for (const note of cluster.notes) out.push(`  # ${note}`);
    if (cluster.error) out.push(`  ! cannot plan: ${cluster.error}`);
    for (const host of cluster.hosts) out.push(...renderHost(host, `on ${host.subject} (${host.address})`, '  '));
    out.push('');
  }
  for (const s of result.skipped) out.push(`# not previewed: ${s}`);
  const sum = summaryOf(result);
  out.push(
    `Plan: ${sum.changes} change${sum.changes === 1 ? '' : 's'} on ${sum.hostsChanging} Pi${sum.hostsChanging === 1 ? '' : 's'}; ${sum.hostsInSync} PiNode${sum.hostsInSync === 1 ? '' : 's'} in sync; ${sum.failed} could not be planned. Nothing was changed.`,
  );
  return `${out.join('\n')}\n`;
}
