// The SlurmPartition reconciler. All partitions with one clusterName in a namespace are one
// Slurm cluster, so every reconcile of any of them converges the whole cluster (idempotent:
// the second one finds nothing to do) and reports the status of its own partition.
//
// SSH round trips: one observe per host (controller first: its answer says which nodes are
// leaving), then, only when the plan is not empty, up to three apply phases per host (see
// apply.ts), run by the engine (../shared/engine.ts) under a per-cluster lock. A converged cluster costs exactly one exec per host and changes nothing.
import { createHash } from 'node:crypto';
import type { ReconcileContext, ReconcileResult, Reconciler, Stop } from '../contract.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { hostKeyNotRecorded, secretTargetsOf } from '../shared/secret-target.ts';
import { observeHosts, type HostObserve } from '../shared/observe-hosts.ts';
import type { PhasedApplyOutcome } from '../shared/phased-apply.ts';
import type { PiNode, SlurmPartition, SlurmPartitionSpec, SlurmPartitionStatus } from './types.ts';
import { buildCluster, clusterProblems, invalidNodeNames, type ClusterModel } from './cluster.ts';
import { renderSlurmConf, sha256 } from './slurm-conf.ts';
import { slurmObserveScript } from './observe-script.ts';
import { parseHostObservation, type HostObservation } from './parse-observed.ts';
import { holdPaused, pendingStepsOf, planCluster, planClusterStop, type ClusterPlan } from './plan.ts';
import { clusterPhases, clusterSecrets } from './apply.ts';
import { slurmFilesOf } from './planned-files.ts';
import { mungeKeyFor } from './munge-key.ts';
import { nodeCounts, nodeStatuses, statusWith, unusableNodes } from './status.ts';
import { appliedAwaitingSettle, driftCheckIntervalMs, notReady } from '../shared/not-ready.ts';
import type { Run as SharedRun } from '../shared/run.ts';
import {
  createKindReconciler,
  stop,
  type DeleteResult,
  type EngineOptions,
  type Kind,
  type KindPlan,
  type Stages,
} from '../shared/engine.ts';
import {
  clusterKey,
  controllerMoveRefusal,
  isOurs,
  markFor,
  ownershipRefusal,
  recordOf,
  stateSaveLocation,
  type ClusterMark,
  type StateRecord,
} from './ownership.ts';

export { driftCheckIntervalMs, retryPolicy } from '../shared/not-ready.ts';

export const slurmFinalizer = 'bramble.dev/slurm-cleanup';
/** After a change: slurmd needs a few seconds to register before status can say Ready. */
export const settleDelayMs = 10_000;
/** While a leaving node or a deleted partition waits for its jobs. */
export const jobWaitDelayMs = 30_000;
export const observeTimeoutMs = 120_000;

type Status = SlurmPartitionStatus;

type Run = SharedRun<SlurmPartition, SlurmPartitionStatus>;

function slurmObserve(isController: boolean): HostObserve<HostObservation> {
  return {
    script: (nonce) => slurmObserveScript(isController, nonce),
    parse: (stdout, nonce) => parseHostObservation(stdout, nonce, isController),
    timeoutMs: observeTimeoutMs,
  };
}

/** Observes each host not observed yet once, in parallel; hosts that fail are reported, not thrown. */
async function observeMore(
  run: Run,
  targets: Iterable<readonly [string, SshTarget]>,
  controller: string,
  into: Map<string, HostObservation>,
  failures: string[],
) {
  const o = await observeHosts(
    run,
    [...targets].filter(([n]) => !into.has(n)),
    (name) => slurmObserve(name === controller),
  );
  for (const [name, observation] of o.observed) into.set(name, observation);
  failures.push(...o.failures);
}

function partitionsOfCluster(run: Run): SlurmPartition[] {
  const { namespace } = run.obj.metadata;
  return run.ctx.view
    .list<SlurmPartition>('SlurmPartition', namespace)
    .filter((p) => (p.spec.clusterName ?? 'bramble') === (run.obj.spec.clusterName ?? 'bramble'))
    .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
}

function targetsFor(run: Run, nodes: Iterable<PiNode>, failures: string[]): Map<string, SshTarget> {
  const found = secretTargetsOf(nodes, run.ctx.view);
  failures.push(...found.failures);
  return found.targets;
}

interface Validated {
  all: SlurmPartition[];
  live: SlurmPartition[];
  deleting: SlurmPartition[];
  reference: SlurmPartition;
  controllerName: string;
  controllerNode: PiNode;
  selected: Map<string, PiNode[]>;
}

interface Looked extends Validated {
  key: Buffer;
  targets: Map<string, SshTarget>;
  observed: Map<string, HostObservation>;
  failures: string[];
  ctl: HostObservation & { hostname: string; controller: NonNullable<HostObservation['controller']> };
  record: StateRecord | undefined;
  pinodes: Map<string, PiNode>;
  mark: ClusterMark;
}

interface Converged extends KindPlan<Status> {
  model: ClusterModel;
  confText: string;
  plan: ClusterPlan;
  selectedHere: string[];
  /** Paused PiNodes that have changes waiting (see holdPaused). */
  held: string[];
}

type Mode = 'reconcile' | 'finalize';

/** The partitions of the cluster, the controller and the selected nodes; refused when they cannot make one cluster. */
function validateCluster(run: Run, mode: Mode): Stop<ReconcileResult<Status>> | Validated {
  const { obj, ctx } = run;
  const { namespace } = obj.metadata;
  const all = partitionsOfCluster(run);
  const self = obj.metadata.name;
  // The object handed in is fresher than the cache's copy of itself.
  const live = all.filter((p) => !p.metadata.deletionTimestamp && p.metadata.name !== self);
  if (mode === 'reconcile') live.push(obj);
  live.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  const deleting = all.filter((p) => p.metadata.name !== self && p.metadata.deletionTimestamp);
  if (mode === 'finalize') deleting.push(obj);

  const problems = clusterProblems(live.length ? live : [obj]);
  const secretNames = new Set((live.length ? live : [obj]).map((p) => p.spec.mungeKeySecretRef.name));
  if (secretNames.size > 1) problems.push(`partitions name different munge key Secrets: ${[...secretNames].sort().join(', ')}`);
  if (problems.length) return stop(notReady(run, 'InvalidCluster', problems.join('; '), { stalled: true }));

  const reference = live[0] ?? obj;
  const controllerName = reference.spec.controller;
  const controllerNode = ctx.view.get<PiNode>('PiNode', namespace, controllerName);
  if (!controllerNode)
    return stop(
      notReady(run, 'ControllerNotFound', `PiNode ${namespace}/${controllerName} (the controller) not found`, {
        rest: { controller: controllerName },
      }),
    );

  const selected = new Map<string, PiNode[]>();
  for (const p of [...live, ...deleting]) selected.set(p.metadata.name, ctx.view.list<PiNode>('PiNode', namespace, p.spec.nodeSelector));
  const bad = invalidNodeNames([...selected.values()].flat());
  if (bad.length)
    return stop(
      notReady(run, 'InvalidNodeName', `PiNode names must be DNS labels to be Slurm NodeNames: ${bad.join(', ')}`, { stalled: true }),
    );
  return { all, live, deleting, reference, controllerName, controllerNode, selected };
}

/** The munge key (created when the cluster has none yet), then the controller, then every other host. */
async function observeCluster(run: Run, v: Validated): Promise<Stop<ReconcileResult<Status>> | Looked> {
  const { obj, ctx } = run;
  const { namespace } = obj.metadata;
  const self = obj.metadata.name;
  const { all, live, reference, controllerName, controllerNode, selected } = v;
  const converged = [...live, obj].some((p) => p.status?.configHash !== undefined);
  const key = await mungeKeyFor(ctx.view, run.ctx.secrets, namespace, reference.spec.mungeKeySecretRef.name, converged);
  if (!key.ok)
    return stop(
      notReady(run, key.reason, key.message, { rest: { controller: controllerName }, ...(key.stalled ? { stalled: true } : {}) }),
    );
  if (key.created)
    run.events.push({
      type: 'Normal',
      reason: 'MungeKeyCreated',
      message: `created Secret ${namespace}/${reference.spec.mungeKeySecretRef.name} with a random munge key`,
    });

  const unvouched = hostKeyNotRecorded(controllerNode);
  if (unvouched)
    return stop(
      notReady(run, 'HostKeyNotRecorded', `the controller ${controllerName}: ${unvouched}`, { rest: { controller: controllerName } }),
    );
  const failures: string[] = [];
  const pinodes = new Map<string, PiNode>([[controllerName, controllerNode]]);
  for (const list of selected.values()) for (const n of list) pinodes.set(n.metadata.name, n);
  const record = recordOf([...all.filter((p) => p.metadata.name !== self), obj]);
  // A moved controller: the recorded one is observed too, to see whether its slurmctld still runs.
  const oldController = record && record.node !== controllerName ? ctx.view.get<PiNode>('PiNode', namespace, record.node) : undefined;
  if (oldController) pinodes.set(record?.node ?? '', oldController);
  const targets = targetsFor(run, pinodes.values(), failures);
  const observed = new Map<string, HostObservation>();
  await observeMore(
    run,
    [...targets].filter(([n]) => n === controllerName),
    controllerName,
    observed,
    failures,
  );
  const ctl = observed.get(controllerName);
  if (ctl?.invalidHostname) {
    return stop(
      notReady(
        run,
        'InvalidControllerHostname',
        `the controller ${controllerName} reports hostname ${ctl.invalidHostname}, which is not a valid host name; ` +
          'it would go into SlurmctldHost= on every node, so nothing was changed. Set a plain hostname on the Pi (the PiNode spec.hostname)',
        { stalled: true, rest: { controller: controllerName } },
      ),
    );
  }
  if (!ctl?.hostname || !ctl.controller) {
    return stop(
      notReady(
        run,
        'ControllerUnreachable',
        `cannot observe the controller ${controllerName}: ${failures.join('; ') || 'no hostname reported'}`,
        { rest: { controller: controllerName } },
      ),
    );
  }
  // Nodes Slurm knows that no partition selects any more must be observed too (to stop slurmd).
  for (const name of [...ctl.controller.nodes.map((n) => n.name), ...ctl.controller.deployedNodes.map((n) => n.name)]) {
    if (pinodes.has(name)) continue;
    const node = ctx.view.get<PiNode>('PiNode', namespace, name);
    if (node) for (const [n, t] of targetsFor(run, [node], failures)) targets.set(n, t);
  }
  await observeMore(run, targets, controllerName, observed, failures);
  const mark = markFor(obj, ctl, record);
  return {
    ...v,
    key: key.key,
    targets,
    observed,
    failures,
    ctl: { ...ctl, hostname: ctl.hostname, controller: ctl.controller },
    record,
    pinodes,
    mark,
  };
}

/** Pure: refuse a cluster that is not ours, then model it, render slurm.conf and plan. */
function planClusterRun(run: Run, mode: Mode, o: Looked): Stop<ReconcileResult<Status>> | Converged {
  const { obj } = run;
  const { live, deleting, reference, controllerName, controllerNode, selected, observed, ctl, record, pinodes, key, mark } = o;
  const cluster = clusterKey(obj);
  if (mode === 'reconcile') {
    const members = new Map(
      [...observed].filter(([n]) => n === controllerName || [...selected.values()].some((l) => l.some((p) => p.metadata.name === n))),
    );
    const refusal =
      controllerMoveRefusal({
        cluster,
        record,
        controller: controllerName,
        newController: ctl,
        oldController: record ? observed.get(record.node) : undefined,
      }) ?? ownershipRefusal(cluster, members, record);
    if (refusal) return stop(notReady(run, refusal.reason, refusal.message, { stalled: true, rest: { controller: controllerName } }));
  }

  const jobs = ctl.controller.jobs;
  const retiring = new Set(deleting.filter((p) => (jobs.get(p.metadata.name)?.running ?? 0) > 0).map((p) => p.metadata.name));
  const inConf = [...live, ...deleting.filter((p) => retiring.has(p.metadata.name))];
  const model = buildCluster({
    clusterName: reference.spec.clusterName ?? 'bramble',
    partitions: inConf,
    retiring,
    selected: new Map(inConf.map((p) => [p.metadata.name, selected.get(p.metadata.name) ?? []])),
    controller: { name: controllerName, hostname: ctl.hostname, address: controllerNode.spec.address },
    ...(ctl.controller.answers ? { running: ctl.controller.nodes } : {}),
    deployedNodes: ctl.controller.deployedNodes,
  });
  const confText = renderSlurmConf(model.config);
  const runningJobs = [...jobs.values()].reduce((sum, c) => sum + c.running, 0);
  // The last partition is gone: stop the daemons once no job runs (never kill running jobs).
  const plan =
    live.length > 0
      ? planCluster({ model, confText, mungeKeySha256: sha256Buffer(key), observed, mark })
      : runningJobs > 0
        ? { hosts: [], controller: [] }
        : planClusterStop(observed, controllerName, (h) => isOurs(h, cluster, record));
  const paused = new Set([...pinodes.values()].filter((n) => n.spec.paused === true).map((n) => n.metadata.name));
  const { plan: runnable, held } = holdPaused(plan, paused, controllerName);
  const selectedHere = (selected.get(obj.metadata.name) ?? []).map((n) => n.metadata.name).sort();
  const phases = clusterPhases(runnable, controllerName, key);
  return {
    targets: o.targets,
    secrets: clusterSecrets(key),
    phases,
    bootGate: { hosts: observed, rest: { controller: controllerName } },
    unobserved: o.failures,
    files: slurmFilesOf(phases, confText, observed),
    model,
    confText,
    plan,
    selectedHere,
    held,
  };
}

/** The StateSaveLocation once the controller carries this cluster's marker (observed, or written just now). */
function stateSaveOf(looked: Looked, c: Converged, outcome: PhasedApplyOutcome): Status['stateSave'] {
  const node = c.model.config.controller.name;
  const o = looked.observed.get(node);
  const marked =
    o?.stateOwner?.split(' ')[0] === looked.mark.cluster || outcome.applied.some((a) => a.host === node && a.step.name === 'mark-state');
  return marked ? { node, path: stateSaveLocation, clusterUid: looked.mark.uid } : undefined;
}

function sha256Buffer(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Whether any partition of the cluster (this one included) records a rollout (ownership.ts recordOf). */
function everRolledOut(obj: SlurmPartition, ctx: ReconcileContext): boolean {
  const key = clusterKey(obj);
  const all = ctx.view
    .list<SlurmPartition>('SlurmPartition', obj.metadata.namespace)
    .filter((p) => clusterKey(p) === key && p.metadata.name !== obj.metadata.name);
  const record: StateRecord | undefined = recordOf([...all, obj]);
  return record !== undefined;
}

function lockKey(obj: SlurmPartition): string {
  return `${obj.metadata.namespace}/${obj.spec.clusterName ?? 'bramble'}`;
}

function reportStatus(run: Run, o: Looked, c: Converged, outcome: PhasedApplyOutcome): ReconcileResult<Status> {
  const name = run.obj.metadata.name;
  const ctl = o.observed.get(c.model.config.controller.name)?.controller;
  const running = ctl?.answers ? ctl.nodes : [];
  const inPartition = new Set(c.selectedHere);
  for (const n of running) if (n.partitions.includes(name)) inPartition.add(n.name);
  const partitionState = ctl?.partitions.find((p) => p.name === name)?.state;
  const stateSave = stateSaveOf(o, c, outcome);
  const rest: Partial<Status> = {
    ...(stateSave ? { stateSave } : {}),
    controller: c.model.config.controller.name,
    configHash: sha256(c.confText),
    nodeCounts: nodeCounts(c.selectedHere, running),
    nodes: nodeStatuses([...inPartition], running),
    ...(partitionState ? { partitionState } : {}),
    ...(ctl?.answers ? { jobs: ctl.jobs.get(name) ?? { pending: 0, running: 0 } } : {}),
  };
  const pending = pendingStepsOf(c.plan, c.model.config.controller.name);
  if (outcome.failure) {
    const f = outcome.failure;
    const message = `step ${f.step} on ${f.host} failed: ${f.message}`;
    return notReady(run, 'StepFailed', message, { stalled: true, rest: { ...rest, pendingSteps: pending.slice(0, 128) } });
  }
  if (c.held.length > 0) {
    const message = `paused PiNodes have changes waiting: ${c.held.join(', ')}`;
    return notReady(run, 'NodesPaused', message, { rest: { ...rest, pendingSteps: pending.slice(0, 128) } });
  }
  if (outcome.applied.length > 0) {
    return appliedAwaitingSettle(run, 'Slurm to settle', outcome.applied.length, rest, settleDelayMs);
  }
  const unreachable = o.failures.length ? [`unreachable: ${o.failures.join('; ')}`] : [];
  if (!ctl?.answers)
    return notReady(run, 'ControllerNotAnswering', `slurmctld on ${c.model.config.controller.name} does not answer`, { rest });
  const wantState = run.obj.spec.state ?? 'UP';
  const problems = [
    ...unreachable,
    ...(partitionState === wantState ? [] : [`partition ${name} is ${partitionState ?? 'unknown to Slurm'}, wanted ${wantState}`]),
    ...unusableNodes(
      c.selectedHere,
      ctl,
      c.model.waitingForFacts.filter((n) => inPartition.has(n)),
    ),
  ];
  const waiting = c.model.leaving.filter((l) => l.action !== 'remove');
  if (problems.length) return notReady(run, 'NodesNotReady', problems.join('; '), { rest });
  const status = statusWith(
    run.sctx,
    { ready: ['True', 'SlurmReady', `partition ${name} is ${partitionState}; ${c.selectedHere.length} node(s) usable`] },
    rest,
  );
  return { status, events: run.events, requeueAfterMs: waiting.length ? jobWaitDelayMs : driftCheckIntervalMs };
}

const reconcileStages: Stages<SlurmPartition, Status, ReconcileResult<Status>, Validated, Looked, Converged> = {
  validate: (run) => validateCluster(run, 'reconcile'),
  observe: observeCluster,
  plan: (run, o) => planClusterRun(run, 'reconcile', o),
  report: reportStatus,
};

/** Delete: the partition leaves slurm.conf once no job of it runs; the last one stops the daemons. */
const finalizeStages: Stages<SlurmPartition, Status, DeleteResult<Status>, Validated, Looked, Converged> = {
  validate(run) {
    const { obj, ctx } = run;
    if (!everRolledOut(obj, ctx)) {
      // Refused, never applied: nothing on the Pis is this cluster's, so nothing is touched.
      return stop({
        status: obj.status ?? {},
        events: [
          {
            type: 'Normal',
            reason: 'NothingToRemove',
            message: `Slurm cluster ${clusterKey(obj)} was never rolled out; nothing on the Pis was changed`,
          },
        ],
        done: true,
      });
    }
    return validateCluster(run, 'finalize');
  },
  observe: observeCluster,
  plan: (run, o) => planClusterRun(run, 'finalize', o),
  report(run, o, c, outcome) {
    const result = reportStatus(run, o, c, outcome);
    const name = run.obj.metadata.name;
    const stillListed = c.model.config.partitions.some((p) => p.name === name);
    // An unreachable host keeps its old file until it is back; that must not block deletion.
    const done = !outcome.failure && !stillListed;
    if (!done) return { ...result, done, requeueAfterMs: jobWaitDelayMs };
    return {
      ...result,
      events: [
        ...result.events,
        { type: 'Normal', reason: 'PartitionRemoved', message: `partition ${name} removed from the Slurm configuration` },
      ],
      done,
    };
  },
};

export const slurmPartitionKind: Kind<SlurmPartitionSpec, SlurmPartitionStatus> = {
  kind: 'SlurmPartition',
  finalizer: slurmFinalizer,
  lockKey,
  reconcile: reconcileStages,
  finalize: finalizeStages,
};

export function createSlurmPartitionReconciler(options: EngineOptions = {}): Reconciler<SlurmPartitionSpec, SlurmPartitionStatus> {
  return createKindReconciler(slurmPartitionKind, options);
}

export const slurmPartitionReconciler = createSlurmPartitionReconciler();
