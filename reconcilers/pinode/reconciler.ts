// The PiNode kind, run by the one engine (../shared/engine.ts) like every kind: validate →
// observe → plan (the same stages `bramble plan` previews) → apply (unless paused) → the network
// change (afterApply) → report (report.ts). One host: the PiNode's own Pi, by its name.
//
// SSH round trips per reconcile (each is one exec on the host's pooled connection):
//   spec invalid, Secret missing/invalid, Pinned without key   0  (nothing is sent)
//   spec would lock bramble out of its login user (lockout.ts) 0
//   host key mismatch / unreachable / auth failed              1 attempt, nothing runs
//   no change (periodic resync of a converged Pi)              1  observe
//   paused, with or without drift                              1  observe (plan → pendingSteps)
//   converge (fresh Pi or drift)                               2  observe + one batched apply
//   a step fails                                               2  observe + apply up to the failure
// There is no verify round trip: every step verifies its own postcondition before it reports
// success (see ../shared/apply-plan.ts), and the next resync re-observes. A declared spec.network
// adds the round trips of network-reconcile.ts only when it has something to change.
import type { ReconcileResult, Reconciler } from '../contract.ts';
import { createKindReconciler, stop, type EngineOptions, type Kind, type Stages } from '../shared/engine.ts';
import { sshTargetFor } from '../shared/ssh-target.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import type { PiNodeSpec, PiNodeStatus } from './pinode-types.ts';
import { lockoutProblems } from './lockout.ts';
import { observe } from './observe.ts';
import { planPiNode } from './plan.ts';
import { specProblems } from './validate-spec.ts';
import { addressConflicts } from './network-conflict.ts';
import { reconcileNetwork, type NetworkResult } from './network-reconcile.ts';
import type { NetworkTiming } from './network-apply.ts';
import { failedExec, notPlannedResult, type NotPlanned } from './not-planned.ts';
import { reportPiNode, type Looked, type PiNodePlan, type PiNodeRun } from './report.ts';

export { driftCheckIntervalMs, retryPolicy } from './not-planned.ts';
export type { Looked, PiNodePlan } from './report.ts';

export interface PiNodeKindOptions {
  /** The clock and sleep of a network change's confirm loop (a fake one in unit tests). */
  networkTiming?: NetworkTiming;
}

export type PiNodeReconcilerOptions = PiNodeKindOptions & EngineOptions;

type Result = ReconcileResult<PiNodeStatus>;

const notPlanned = (run: PiNodeRun, n: NotPlanned) => stop(notPlannedResult(run.sctx, n));

/** Spec, address, credentials, then the lockout check (it needs the key): refused before anything is sent. */
function validate(run: PiNodeRun) {
  const node = run.obj;
  const problems = specProblems(node.spec);
  if (problems.length > 0) return notPlanned(run, { outcome: 'refused', reason: 'InvalidSpec', problems });
  const conflicts = addressConflicts(node, run.ctx.view);
  if (conflicts.length > 0) return notPlanned(run, { outcome: 'refused', reason: 'AddressConflict', problems: conflicts });
  const target = sshTargetFor(node, run.ctx.view);
  if (!target.ok) return notPlanned(run, { outcome: 'noTarget', ...target });
  const lockout = lockoutProblems(node.spec, target.target.privateKey);
  if (lockout.length > 0) return notPlanned(run, { outcome: 'refused', reason: 'WouldLockOut', problems: lockout });
  return target.target;
}

/** One read-only exec; a failure is an outcome with its reason. */
async function observePi(run: PiNodeRun, target: SshTarget) {
  try {
    const seen = await observe(run.ctx.executor, target, run.obj.spec, run.nonce());
    return { target, observed: seen.observed, hostKey: seen.hostKey };
  } catch (error) {
    return notPlanned(run, failedExec(error));
  }
}

/** Pure: the steps, as one phase on the one host; paused, nothing is handed to the apply. */
function plan(run: PiNodeRun, looked: Looked): PiNodePlan {
  const { name } = run.obj.metadata;
  const steps = planPiNode(run.obj.spec, looked.observed.state);
  const paused = run.obj.spec.paused === true;
  return {
    targets: new Map([[name, looked.target]]),
    phases: paused ? [] : [new Map([[name, steps]])],
    secrets: [],
    appliedEvents: 'report',
    steps,
    paused,
  };
}

/** The network last: it may move the Pi to another address (network-reconcile.ts). Not while paused. */
function networkStage(options: PiNodeKindOptions) {
  return async (run: PiNodeRun, looked: Looked, planned: PiNodePlan) => {
    if (planned.paused) return { events: [] };
    try {
      return await reconcileNetwork(run.obj, looked.observed, {
        executor: run.ctx.executor,
        target: looked.target,
        now: run.sctx.now,
        nonce: run.nonce(),
        ...(options.networkTiming ? { timing: options.networkTiming } : {}),
      });
    } catch (error) {
      return notPlanned(run, failedExec(error));
    }
  };
}

/** PiNode as a kind: no lock key (one Pi per object) and no finalizer (a delete leaves the Pi as it is). */
export function piNodeKind(options: PiNodeKindOptions = {}): Kind<PiNodeSpec, PiNodeStatus, Looked, PiNodePlan> {
  const reconcile: Stages<PiNodeRun['obj'], PiNodeStatus, Result, SshTarget, Looked, PiNodePlan, NetworkResult> = {
    validate,
    observe: observePi,
    plan,
    afterApply: networkStage(options),
    report: reportPiNode,
  };
  return { kind: 'PiNode', reconcile };
}

export function createPiNodeReconciler(options: PiNodeReconcilerOptions = {}): Reconciler<PiNodeSpec, PiNodeStatus> {
  return createKindReconciler(piNodeKind(options), options.nonce ? { nonce: options.nonce } : {});
}

export const piNodeReconciler = createPiNodeReconciler();
