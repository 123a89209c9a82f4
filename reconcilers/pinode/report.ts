// A PiNode's report: from what was observed, planned, applied and (unless paused or failed) done to
// its network, the status and Events. One Event per step applied (worded as drift corrected when
// the Pi had been in sync), each pending change once while paused, a Warning on a new failure.
// Pure but for two log lines.
import type { ReconcileEvent, ReconcileResult } from '../contract.ts';
import type { KindPlan } from '../shared/engine.ts';
import type { PhasedApplyOutcome } from '../shared/phased-apply.ts';
import type { Run } from '../shared/run.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import type { Step } from '../shared/step.ts';
import type { Observed } from './observe.ts';
import type { PiNode, PiNodeStatus } from './pinode-types.ts';
import { rebootedEvents } from './reboot.ts';
import { healthEvents } from './health-conditions.ts';
import { withNetworkResult, type NetworkResult } from './network-reconcile.ts';
import { appliedEvents, pausedEvents, warningOnChange, wasInSync } from './events.ts';
import { observedStatus } from './status.ts';
import { driftCheckIntervalMs, notPlannedResult, retryAfter } from './not-planned.ts';

export type PiNodeRun = Run<PiNode, PiNodeStatus>;

/** What observe saw: the Pi, where bramble reached it, and the host key it showed. */
export interface Looked {
  target: SshTarget;
  observed: Observed;
  hostKey: string;
}

/** The plan: the steps on the one host (the PiNode's name), none of them in a phase while paused. */
export interface PiNodePlan extends KindPlan<PiNodeStatus> {
  /** The steps that would bring the Pi to its spec, in order; empty when it matches. */
  steps: Step[];
  paused: boolean;
}

const key = (node: PiNode) => `${node.metadata.namespace}/${node.metadata.name}`;

export function reportPiNode(
  run: PiNodeRun,
  looked: Looked,
  planned: PiNodePlan,
  outcome: PhasedApplyOutcome,
  network: NetworkResult = { events: [] },
): ReconcileResult<PiNodeStatus> {
  const { obj: node, sctx } = run;
  // The connection went during the apply: reported as unreachable, like a failed observe.
  if (outcome.failure?.transport) return notPlannedResult(sctx, { outcome: 'unreachable', ...outcome.failure.transport });
  const { observed, hostKey } = looked;
  const { steps, paused } = planned;
  // One host, one run of steps in one exec: what was applied is the plan's first steps, in order.
  const applied = paused ? [] : steps.slice(0, outcome.applied.length);
  const pending = steps.slice(applied.length);
  const { failure } = outcome;

  const events: ReconcileEvent[] = [...run.events, ...rebootedEvents(node.metadata.name, node.status?.facts, observed.facts)];
  if (node.spec.ssh.hostKeyPolicy === 'TrustOnFirstUse' && !node.status?.hostKey && hostKey) {
    events.push({ type: 'Normal', reason: 'HostKeyRecorded', message: `trusted host key on first use: ${hostKey}` });
  }
  events.push(...(paused ? pausedEvents(steps, node.status) : appliedEvents(applied, wasInSync(node.status))));
  events.push(...network.events);

  const status = withNetworkResult(
    observedStatus(sctx, { facts: observed.facts, hostKey, pending, paused, applied, ...(failure ? { failure } : {}) }),
    network,
    sctx.now,
    sctx.generation,
  );
  events.push(...healthEvents(node.status, status));
  if (failure) {
    run.ctx.log.warn('PiNode step failed', { pinode: key(node), step: failure.step, applied: applied.map((s) => s.name) });
    events.push(...warningOnChange(node.status, 'Configured', 'StepFailed', failure.message));
    return { status, events, requeueAfterMs: retryAfter(sctx, status, 'Stalled') };
  }
  if (applied.length > 0) run.ctx.log.info('PiNode steps applied', { pinode: key(node), steps: applied.map((s) => s.name) });
  if (network.notReady?.stalled) return { status, events, requeueAfterMs: retryAfter(sctx, status, 'Stalled') };
  return { status, events, requeueAfterMs: network.requeueAfterMs ?? driftCheckIntervalMs };
}
