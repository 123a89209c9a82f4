// One resource's plan through the engine (reconcilers/shared/engine.ts `previewKind`): its kind's
// own validate, observe and pure plan, stopped before apply, then the diff of every file its
// steps write. No second converge: what is printed is what the operator's reconcile would apply,
// per host in the order it would run. A Secret the operator would generate (a munge key) is only
// noted; nothing is created.
import type { Executor } from '../../ssh/executor.ts';
import type { ClusterView, Logger, ReconcileContext, ReconcileResult, Resource, SecretCreator } from '../../reconcilers/contract.ts';
import { previewKind, type EngineOptions, type Kind, type KindPlan } from '../../reconcilers/shared/engine.ts';
import type { ConditionedStatus } from '../../reconcilers/shared/not-ready.ts';
import { randomNonce } from '../../reconcilers/shared/run.ts';
import { findCondition } from '../../crds/conditions.ts';
import { attachDiffs, type FileToDiff } from './file-diffs.ts';
import { errorLine, type HostReport, type PlannedStep } from './report.ts';

export interface KindPlanReport {
  /** "GlusterVolume default/shared", or the resources one converge covers. */
  subject: string;
  /** Why the kind stopped before a plan (its Ready reason and message), or a transport failure. */
  error?: string;
  notes: string[];
  hosts: HostReport[];
}

const quiet: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** What a preview runs with: the plan's view and executor, the wall clock, no log lines. */
export function previewContext(view: ClusterView, executor: Executor, secrets?: SecretCreator): ReconcileContext {
  return { executor, view, clock: { now: () => new Date() }, log: quiet, ...(secrets ? { secrets } : {}) };
}

/** Pure: why a preview stopped, as its Ready condition says. */
export function stoppedBecause(result: ReconcileResult<ConditionedStatus>): string {
  const ready = findCondition(result.status.conditions, 'Ready');
  return ready
    ? `${ready.reason}: ${ready.message}`
    : result.events.map((e) => `${e.reason}: ${e.message}`).join('; ') || 'stopped before a plan';
}

/** Pure: per host, the steps in the order apply runs them, and the files they write. */
export function stepsByHost(plan: KindPlan<unknown>): Map<string, { steps: PlannedStep[]; files: FileToDiff[] }> {
  const out = new Map<string, { steps: PlannedStep[]; files: FileToDiff[] }>();
  const entry = (host: string) => out.get(host) ?? out.set(host, { steps: [], files: [] }).get(host)!;
  for (const phase of plan.phases) {
    for (const [host, work] of phase) {
      const e = entry(host);
      for (const item of work) {
        if (!('file' in item)) {
          e.steps.push({ name: item.name, description: item.description });
          continue;
        }
        const { file, step } = item;
        // A file only its owner may read (a munge key, MinIO's root password) is never shown.
        const secret = file.mode !== undefined && (file.mode & 0o077) === 0;
        e.steps.push({ name: step.name, description: step.description, ...(secret ? { note: 'a secret: content not shown' } : {}) });
        if (!secret) e.files.push({ step: step.name, path: file.path, after: () => file.content.toString() });
      }
    }
  }
  for (const [host, files] of plan.files ?? [])
    entry(host).files.push(...files.map((f) => ({ step: f.step, path: f.path, after: () => f.content })));
  return out;
}

export async function planKindNow<Spec, Status extends ConditionedStatus>(
  kind: Kind<Spec, Status>,
  obj: Resource<Spec, Status>,
  subject: string,
  view: ClusterView,
  executor: Executor,
  options: EngineOptions = {},
): Promise<KindPlanReport> {
  const notes: string[] = [];
  const report: KindPlanReport = { subject, notes, hosts: [] };
  const secrets: SecretCreator = {
    createSecret: (namespace, name, data) => {
      notes.push(`Secret ${namespace}/${name} has no ${Object.keys(data).join(', ')}: bramble would create it`);
      return Promise.resolve('created');
    },
  };
  try {
    const preview = await previewKind(kind, obj, previewContext(view, executor, secrets), options);
    if ('stopped' in preview) return { ...report, error: stoppedBecause(preview.stopped) };
    const { planned } = preview;
    const unobserved = new Map((planned.unobserved ?? []).map((line) => [line.split(': ')[0] ?? line, line.slice(line.indexOf(': ') + 2)]));
    const byHost = stepsByHost(planned);
    for (const [host, why] of unobserved)
      report.hosts.push({ subject: host, address: planned.targets.get(host)?.host ?? '', steps: [], notes: [], error: why });
    for (const [host, target] of planned.targets) {
      if (unobserved.has(host)) continue;
      const planned = byHost.get(host) ?? { steps: [], files: [] };
      const hostReport: HostReport = { subject: host, address: target.host, steps: planned.steps, notes: [] };
      try {
        await attachDiffs(executor, target, hostReport.steps, planned.files, (options.nonce ?? randomNonce)());
      } catch (error) {
        hostReport.notes.push(`could not read the current files for a diff: ${errorLine(error)}`);
      }
      report.hosts.push(hostReport);
    }
    report.hosts.sort((a, b) => (a.subject < b.subject ? -1 : 1));
    return report;
  } catch (error) {
    return { ...report, error: errorLine(error) };
  }
}
