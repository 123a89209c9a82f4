// A Slurm cluster's plan against its hosts as they are now: the Slurm reconciler's own observe
// script, cluster model, slurm.conf rendering and pure plan (reconcilers/slurm/), with nothing
// applied and no Secret created. It follows the reconciler's `converge` up to the apply.
//
// Differences from a reconcile, all on the side of changing nothing: a missing munge key Secret
// is reported (the operator would create one) and every host is planned to receive the new key;
// the cluster lock is not taken (nothing is written); PiNode facts come from the PiNode plans
// made in the same run, so nodes not yet in the cluster are planned with their real CPUs and memory.
import { createHash, randomBytes } from 'node:crypto';
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import type { PiNode, SlurmPartition } from '../../reconcilers/slurm/types.ts';
import { sshTargetFor } from '../../reconcilers/shared/ssh-target.ts';
import { reachabilityFailure } from '../../reconcilers/shared/ssh-failure.ts';
import { buildCluster, clusterProblems, invalidNodeNames } from '../../reconcilers/slurm/cluster.ts';
import { renderCgroupConf, renderSlurmConf, renderSlurmdDefaults, cgroupConfPath, slurmConfPath, slurmdDefaultsPath } from '../../reconcilers/slurm/slurm-conf.ts';
import { mungeKeyPath, slurmObserveScript } from '../../reconcilers/slurm/observe-script.ts';
import { parseHostObservation, type HostObservation } from '../../reconcilers/slurm/parse-observed.ts';
import { holdPaused, planCluster, type ClusterPlan } from '../../reconcilers/slurm/plan.ts';
import { mungeKeyField } from '../../reconcilers/slurm/munge-key.ts';
import { markFor, recordOf } from '../../reconcilers/slurm/ownership.ts';
import { observeTimeoutMs } from '../../reconcilers/slurm/reconciler.ts';
import type { Step } from '../../reconcilers/shared/step.ts';
import type { PlanView } from './plan-view.ts';
import { attachDiffs, type FileToDiff } from './file-diffs.ts';
import { errorLine, type HostReport, type PlannedStep } from './report.ts';

const nonce = () => randomBytes(8).toString('hex');

export interface SlurmClusterPlan {
  /** "SlurmPartition cluster seed in default (partitions batch, debug)". */
  subject: string;
  /** Set when the cluster cannot be planned at all (nothing was sent, or the controller is silent). */
  error?: string;
  notes: string[];
  hosts: HostReport[];
}

/** Clusters (namespace + clusterName) the file's partitions belong to. */
export function clustersOf(partitions: readonly SlurmPartition[]): { namespace: string; clusterName: string }[] {
  const seen = new Map<string, { namespace: string; clusterName: string }>();
  for (const p of partitions) {
    const c = { namespace: p.metadata.namespace, clusterName: p.spec.clusterName ?? 'bramble' };
    seen.set(`${c.namespace}/${c.clusterName}`, c);
  }
  return [...seen.values()];
}

async function observeHost(executor: Executor, target: SshTarget, isController: boolean): Promise<HostObservation> {
  const n = nonce();
  const exec = await executor.exec(target, 'sh -s', { asRoot: true, stdin: slurmObserveScript(isController, n), timeoutMs: observeTimeoutMs });
  return parseHostObservation(exec.stdout, n, isController);
}

/** Pure: the files a host's steps write, with their new content (the munge key is never shown). */
export function slurmFilesOf(steps: readonly Step[], confText: string, host: string, o: HostObservation): FileToDiff[] {
  const content: Record<string, [string, string]> = {
    'slurm-conf': [slurmConfPath, confText],
    'cgroup-conf': [cgroupConfPath, renderCgroupConf(o.cgroup)],
    'slurmd-defaults': [slurmdDefaultsPath, renderSlurmdDefaults(host)],
  };
  return steps.flatMap((s) => {
    const file = content[s.name];
    return file ? [{ step: s.name, path: file[0], after: () => file[1] }] : [];
  });
}

/** Pure: per host, the steps in the order apply runs them (prepare, controller, finish). */
export function stepsByHost(plan: ClusterPlan, controller: string): Map<string, { steps: Step[]; mungeKey: boolean }> {
  const out = new Map<string, { steps: Step[]; mungeKey: boolean }>();
  const entry = (host: string) => out.get(host) ?? out.set(host, { steps: [], mungeKey: false }).get(host)!;
  for (const h of plan.hosts) {
    const e = entry(h.host);
    e.mungeKey ||= h.writeMungeKey;
    e.steps.push(...h.prepare);
  }
  if (plan.controller.length) entry(controller).steps.push(...plan.controller);
  for (const h of plan.hosts) entry(h.host).steps.push(...h.finish);
  return out;
}

export async function planSlurmClusterNow(
  cluster: { namespace: string; clusterName: string },
  view: PlanView,
  executor: Executor,
  onHost: (host: string, address: string, error?: string) => void,
): Promise<SlurmClusterPlan> {
  const { namespace, clusterName } = cluster;
  const live = view
    .list<SlurmPartition>('SlurmPartition', namespace)
    .filter((p) => (p.spec.clusterName ?? 'bramble') === clusterName && !p.metadata.deletionTimestamp);
  const result: SlurmClusterPlan = {
    subject: `Slurm cluster ${clusterName} in ${namespace} (partitions ${live.map((p) => p.metadata.name).join(', ')})`,
    notes: [],
    hosts: [],
  };
  const fail = (error: string) => ({ ...result, error });
  const problems = clusterProblems(live);
  const secretNames = new Set(live.map((p) => p.spec.mungeKeySecretRef.name));
  if (secretNames.size > 1) problems.push(`partitions name different munge key Secrets: ${[...secretNames].sort().join(', ')}`);
  if (problems.length) return fail(`InvalidCluster: ${problems.join('; ')}`);
  const reference = live[0]!;
  const controllerName = reference.spec.controller;
  const controllerNode = view.get<PiNode>('PiNode', namespace, controllerName);
  if (!controllerNode) return fail(`ControllerNotFound: PiNode ${namespace}/${controllerName} is neither in the file nor in the cluster`);
  const selected = new Map(live.map((p) => [p.metadata.name, view.list<PiNode>('PiNode', namespace, p.spec.nodeSelector)]));
  const bad = invalidNodeNames([...selected.values()].flat());
  if (bad.length) return fail(`InvalidNodeName: PiNode names must be DNS labels to be Slurm NodeNames: ${bad.join(', ')}`);

  const secretName = reference.spec.mungeKeySecretRef.name;
  const key = view.getSecret(namespace, secretName)?.data[mungeKeyField];
  if (!key) result.notes.push(`Secret ${namespace}/${secretName} has no ${mungeKeyField}: bramble would create it with a random key`);
  const keySha = key ? createHash('sha256').update(key).digest('hex') : 'a-key-that-does-not-exist-yet';

  const pinodes = new Map<string, PiNode>([[controllerName, controllerNode]]);
  for (const list of selected.values()) for (const n of list) pinodes.set(n.metadata.name, n);
  const targets = new Map<string, SshTarget>();
  const failures = new Map<string, string>();
  const addTarget = (node: PiNode) => {
    const t = sshTargetFor(node, view);
    if (t.ok) targets.set(node.metadata.name, t.target);
    else failures.set(node.metadata.name, `${t.reason}: ${t.message}`);
  };
  for (const n of pinodes.values()) addTarget(n);
  const observed = new Map<string, HostObservation>();
  const observeAll = (names: string[]) => Promise.all(names.filter((n) => !observed.has(n) && targets.has(n)).map(async (name) => {
    try {
      observed.set(name, await observeHost(executor, targets.get(name)!, name === controllerName));
      onHost(name, targets.get(name)!.host);
    } catch (error) {
      const failure = reachabilityFailure(error);
      const line = failure ? `${failure.reason}: ${failure.message}` : errorLine(error);
      failures.set(name, line);
      onHost(name, targets.get(name)!.host, line);
    }
  }));
  await observeAll([controllerName]);
  const ctl = observed.get(controllerName);
  if (!ctl?.hostname || !ctl.controller) {
    return fail(`ControllerUnreachable: cannot observe the controller ${controllerName}: ${failures.get(controllerName) ?? 'no hostname reported'}`);
  }
  for (const name of [...ctl.controller.nodes.map((n) => n.name), ...ctl.controller.deployedNodes.map((n) => n.name)]) {
    const node = pinodes.has(name) ? undefined : view.get<PiNode>('PiNode', namespace, name);
    if (node) addTarget(node);
  }
  await observeAll([...targets.keys()]);

  const model = buildCluster({
    clusterName,
    partitions: live,
    retiring: new Set(),
    selected,
    controller: { name: controllerName, hostname: ctl.hostname, address: controllerNode.spec.address },
    ...(ctl.controller.answers ? { running: ctl.controller.nodes } : {}),
    deployedNodes: ctl.controller.deployedNodes,
  });
  if (model.waitingForFacts.length) result.notes.push(`left out until their PiNode reports CPUs and memory: ${model.waitingForFacts.join(', ')}`);
  const confText = renderSlurmConf(model.config);
  const first = live[0];
  if (!first) return fail('no live partition in this cluster');
  const plan = planCluster({ model, confText, mungeKeySha256: keySha, observed, mark: markFor(first, ctl, recordOf(live)) });
  const paused = new Set([...pinodes.values()].filter((n) => n.spec.paused === true).map((n) => n.metadata.name));
  const { plan: runnable, held } = holdPaused(plan, paused, controllerName);
  if (held.length) result.notes.push(`paused PiNodes would hold the cluster's changes: ${held.join(', ')}`);

  const byHost = stepsByHost(runnable, controllerName);
  for (const [name, error] of failures) result.hosts.push({ subject: `${name}`, address: pinodes.get(name)?.spec.address ?? '', steps: [], notes: [], error });
  for (const name of [...observed.keys()].sort()) {
    const target = targets.get(name)!;
    const planned = byHost.get(name) ?? { steps: [], mungeKey: false };
    const steps: PlannedStep[] = [
      ...(planned.mungeKey ? [{ name: 'munge-key', description: `write ${mungeKeyPath}`, note: 'a secret: content not shown' }] : []),
      ...planned.steps.map((s) => ({ name: s.name, description: s.description })),
    ];
    const report: HostReport = { subject: name, address: target.host, steps, notes: [] };
    try {
      await attachDiffs(executor, target, report.steps, slurmFilesOf(planned.steps, confText, name, observed.get(name)!), nonce());
    } catch (error) {
      report.notes.push(`could not read the current files for a diff: ${errorLine(error)}`);
    }
    result.hosts.push(report);
  }
  result.hosts.sort((a, b) => (a.subject < b.subject ? -1 : 1));
  return result;
}
