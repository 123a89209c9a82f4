// plan: a pure function from (the cluster wanted, what each host reports) to the steps per host.
// Three phases, in order: prepare every host (packages, munge, files), then the controller
// (drains, slurmctld, resumes), then finish every host (slurmd). Apply runs a phase only when
// the one before it succeeded everywhere, so slurmctld never reloads a half-written cluster.
//
// The reaction to a change is decided from stamps bramble writes after a daemon (re)loads:
//   slurmctld stamp = identity of the node table + hash of the slurm.conf it loaded
//   slurmd stamp    = identity of that node's own line, the controller, -N and cgroup.conf
// Node table changed → restart slurmctld; only the conf changed → `scontrol reconfigure`;
// a node's own identity changed (or it is new) → restart that slurmd, no other. Because the
// stamps are written only after success, a retry after a failure repeats exactly what is left.
import type { Step } from '../shared/step.ts';
import type { ClusterModel } from './cluster.ts';
import type { HostObservation } from './parse-observed.ts';
import { mungeKeyPath } from './observe-script.ts';
import {
  cgroupConfPath,
  controllerLine,
  nodeLine,
  renderCgroupConf,
  renderSlurmdDefaults,
  sha256,
  slurmConfPath,
  slurmdDefaultsPath,
} from './slurm-conf.ts';
import {
  daemonStep,
  drainStep,
  fileStep,
  markStep,
  packagesStep,
  reconfigureStep,
  resumeStep,
  serviceStartStep,
  serviceStopStep,
  unmarkStep,
} from './steps.ts';
import { formatMark, hostOwnerPath, parseMark, stateOwnerPath, type ClusterMark } from './ownership.ts';

export interface HostPlan {
  host: string;
  /** The munge key differs (content, owner or mode): apply writes it before `prepare`. */
  writeMungeKey: boolean;
  prepare: Step[];
  finish: Step[];
}

export interface ClusterPlan {
  hosts: HostPlan[];
  /** Runs on the controller between the prepare and finish phases. */
  controller: Step[];
}

export interface PlanInput {
  model: ClusterModel;
  confText: string;
  mungeKeySha256: string;
  /** What each host reported; a host missing here is not planned for (unreachable). */
  observed: ReadonlyMap<string, HostObservation>;
  /** The cluster's bramble-owner marker (ownership.ts), written on every host and in the controller's StateSaveLocation. */
  mark: ClusterMark;
}

function markedFor(text: string | undefined, mark: ClusterMark): boolean {
  const m = parseMark(text);
  return m !== undefined && m !== 'unreadable' && m.cluster === mark.cluster;
}

export function ctldIdentity(model: ClusterModel): string {
  return sha256([controllerLine(model.config), ...model.config.nodes.map(nodeLine)].join('\n'));
}

export function ctldStamp(model: ClusterModel, confText: string): string {
  return `${ctldIdentity(model)} ${sha256(confText)}`;
}

export function slurmdIdentity(model: ClusterModel, node: string, cgroup: 'v1' | 'v2'): string {
  const spec = model.config.nodes.find((n) => n.name === node);
  return sha256(
    [controllerLine(model.config), spec ? nodeLine(spec) : '', renderSlurmdDefaults(node), renderCgroupConf(cgroup)].join('\n'),
  );
}

/** Hosts that carry the cluster's files: members, nodes still leaving, and the controller. */
export function configHosts(model: ClusterModel): { compute: string[]; all: string[] } {
  const compute = model.config.nodes.map((n) => n.name);
  const all = [...new Set([...compute, model.config.controller.name])].sort();
  return { compute, all };
}

function mungeKeyDiffers(o: HostObservation, wanted: string): boolean {
  const k = o.mungeKey;
  return !k || k.sha256 !== wanted || k.owner !== 'munge' || k.mode !== '400';
}

function active(o: HostObservation, service: string): boolean {
  return o.services.get(service)?.active === true;
}

function enabled(o: HostObservation, service: string): boolean {
  return o.services.get(service)?.enabled === true;
}

function prepareHost(input: PlanInput, host: string, o: HostObservation, isController: boolean, isCompute: boolean): HostPlan {
  const steps: Step[] = [];
  const wanted = ['munge', 'slurm-client', ...(isController ? ['slurmctld'] : []), ...(isCompute ? ['slurmd'] : [])];
  const missing = wanted.filter((p) => !o.installed.has(p)).sort();
  if (missing.length) steps.push(packagesStep(missing));
  if (!markedFor(o.owner, input.mark)) steps.push(markStep('mark-host', hostOwnerPath, formatMark(input.mark)));
  if (isController && !markedFor(o.stateOwner, input.mark)) steps.push(markStep('mark-state', stateOwnerPath, formatMark(input.mark)));
  const writeMungeKey = mungeKeyDiffers(o, input.mungeKeySha256);
  if (writeMungeKey) steps.push(serviceStartStep('munge', true, `${mungeKeyPath} changed`));
  else if (!active(o, 'munge') || !enabled(o, 'munge')) steps.push(serviceStartStep('munge', false, 'not running'));
  const files: [string, string, string][] = [['slurm-conf', slurmConfPath, input.confText]];
  if (isCompute) {
    files.push(['cgroup-conf', cgroupConfPath, renderCgroupConf(o.cgroup)]);
    files.push(['slurmd-defaults', slurmdDefaultsPath, renderSlurmdDefaults(host)]);
  }
  for (const [name, path, text] of files) {
    const hash = sha256(text);
    if (o.files.get(path) !== hash) steps.push(fileStep(name, path, text, hash));
  }
  const finish: Step[] = [];
  if (isCompute) {
    const identity = slurmdIdentity(input.model, host, o.cgroup);
    if (!active(o, 'slurmd')) finish.push(daemonStep('slurmd', false, identity, 'not running'));
    else if (o.slurmdStamp !== identity)
      finish.push(daemonStep('slurmd', true, identity, 'its node line, the controller or cgroup.conf changed'));
    else if (!enabled(o, 'slurmd')) finish.push(serviceStartStep('slurmd', false, 'not enabled'));
  }
  return { host, writeMungeKey, prepare: steps, finish };
}

function controllerSteps(input: PlanInput, o: HostObservation): Step[] {
  const { model } = input;
  const steps: Step[] = [];
  const answers = o.controller?.answers === true;
  if (answers) for (const l of model.leaving) if (l.action === 'drain') steps.push(drainStep(l.name));
  const stamp = ctldStamp(model, input.confText);
  const [stampIdentity, stampConf] = (o.ctldStamp ?? '').split(' ');
  if (!active(o, 'slurmctld')) steps.push(daemonStep('slurmctld', false, stamp, 'not running'));
  else if (stampIdentity !== ctldIdentity(model))
    steps.push(daemonStep('slurmctld', true, stamp, 'the node set or the controller changed'));
  else if (stampConf !== sha256(input.confText)) steps.push(reconfigureStep(stamp));
  else if (!enabled(o, 'slurmctld')) steps.push(serviceStartStep('slurmctld', false, 'not enabled'));
  if (answers) for (const name of model.resume) steps.push(resumeStep(name));
  return steps;
}

export function planCluster(input: PlanInput): ClusterPlan {
  const { model } = input;
  const controller = model.config.controller.name;
  const { compute, all } = configHosts(model);
  const hosts: HostPlan[] = [];
  for (const host of all) {
    const o = input.observed.get(host);
    if (!o) continue;
    hosts.push(prepareHost(input, host, o, host === controller, compute.includes(host)));
  }
  // Nodes that finished leaving: slurmd stops; packages, files and data stay.
  for (const leaving of model.leaving) {
    if (leaving.action !== 'remove' || compute.includes(leaving.name)) continue;
    const o = input.observed.get(leaving.name);
    if (!o || (!active(o, 'slurmd') && !enabled(o, 'slurmd'))) continue;
    const stop = [
      serviceStopStep('slurmd', 'the node left the cluster'),
      ...(leaving.name === controller ? [] : [unmarkStep(hostOwnerPath)]),
    ];
    const existing = hosts.find((h) => h.host === leaving.name);
    if (existing) existing.finish.push(...stop);
    else hosts.push({ host: leaving.name, writeMungeKey: false, prepare: [], finish: stop });
  }
  const ctl = input.observed.get(controller);
  return { hosts, controller: ctl ? controllerSteps(input, ctl) : [] };
}

/**
 * The last partition of a cluster is gone: on the hosts that are this cluster's (`ours`, from
 * marker and record), stop the daemons and remove the host marker; keep packages, files, data
 * and the StateSaveLocation with its marker.
 */
export function planClusterStop(
  observed: ReadonlyMap<string, HostObservation>,
  controller: string,
  ours: (o: HostObservation) => boolean,
): ClusterPlan {
  const hosts: HostPlan[] = [];
  for (const [host, o] of [...observed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (!ours(o)) continue;
    const finish: Step[] = [];
    if (active(o, 'slurmd') || enabled(o, 'slurmd'))
      finish.push(serviceStopStep('slurmd', 'the last partition of the cluster was deleted'));
    if (host === controller && (active(o, 'slurmctld') || enabled(o, 'slurmctld'))) {
      finish.push(serviceStopStep('slurmctld', 'the last partition of the cluster was deleted'));
    }
    if (o.owner !== undefined) finish.push(unmarkStep(hostOwnerPath));
    if (finish.length) hosts.push({ host, writeMungeKey: false, prepare: [], finish });
  }
  return { hosts, controller: [] };
}

export function planIsEmpty(plan: ClusterPlan): boolean {
  return plan.controller.length === 0 && plan.hosts.every((h) => !h.writeMungeKey && h.prepare.length === 0 && h.finish.length === 0);
}

/** Step names for status: "step:host" (steps that name their subject already keep it). */
export function pendingStepsOf(plan: ClusterPlan, controller: string): { name: string; description: string }[] {
  const named = (s: Step, host: string) => ({ name: s.name.includes(':') ? s.name : `${s.name}:${host}`, description: s.description });
  const out = plan.hosts.flatMap((h) => [
    ...(h.writeMungeKey ? [{ name: `munge-key:${h.host}`, description: `write ${mungeKeyPath}` }] : []),
    ...h.prepare.map((s) => named(s, h.host)),
  ]);
  out.push(...plan.controller.map((s) => named(s, controller)));
  out.push(...plan.hosts.flatMap((h) => h.finish.map((s) => named(s, h.host))));
  return out;
}

/**
 * PiNodes with `spec.paused` are observed and planned for, never changed. While one of them still
 * needs its files, the controller and finish phases wait too, so slurmctld never reloads a
 * cluster that a paused host has not caught up with.
 */
export function holdPaused(plan: ClusterPlan, paused: ReadonlySet<string>, controller: string): { plan: ClusterPlan; held: string[] } {
  const held = plan.hosts.filter((h) => paused.has(h.host) && (h.writeMungeKey || h.prepare.length || h.finish.length)).map((h) => h.host);
  const controllerHeld = paused.has(controller) && plan.controller.length > 0;
  if (controllerHeld && !held.includes(controller)) held.push(controller);
  if (held.length === 0) return { plan, held };
  const behind = plan.hosts.some((h) => paused.has(h.host) && (h.writeMungeKey || h.prepare.length));
  const hosts = plan.hosts.filter((h) => !paused.has(h.host)).map((h) => (behind ? { ...h, finish: [] } : h));
  return { plan: { hosts, controller: behind || controllerHeld ? [] : plan.controller }, held: held.sort() };
}
