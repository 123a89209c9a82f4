// The network part of one PiNode reconcile, after the other steps: plan (network-plan.ts), then
// try, confirm or report, and what status and Events say about it. The reconciler lays the
// result over the status it built (withNetworkResult).
import type { ReconcileEvent } from '../contract.ts';
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { setCondition, type Condition } from '../../crds/conditions.ts';
import type { PiNodeNetworkStatus } from '../../crds/pinode-network.ts';
import type { PiNode, PiNodeStatus } from './pinode-types.ts';
import type { Observed } from './observe.ts';
import { confirmAt, tryNetworkChange, type NetworkTiming, realTiming } from './network-apply.ts';
import { describe, planNetwork } from './network-plan.ts';

export interface NetworkResult {
  events: ReconcileEvent[];
  /** The new status.network (unchanged when undefined). */
  network?: PiNodeNetworkStatus;
  /** NetworkRolledBack, when this reconcile learned something about it. */
  rolledBack?: { status: 'True' | 'False'; reason: string; message: string };
  /** Why the PiNode is not Ready on account of its network; stalled when only a person can help. */
  notReady?: { reason: string; message: string; stalled: boolean };
  /** Look again this soon (a change armed by an earlier leader is still running its timer). */
  requeueAfterMs?: number;
}

export interface NetworkContext {
  executor: Executor;
  target: SshTarget;
  now: Date;
  nonce: string;
  timing?: NetworkTiming;
}

const nothing: NetworkResult = { events: [] };

export async function reconcileNetwork(node: PiNode, observed: Observed, ctx: NetworkContext): Promise<NetworkResult> {
  const network = node.spec.network;
  const previous = node.status?.network;
  const action = planNetwork({
    network,
    managedBy: observed.facts.networkManagedBy,
    observed: observed.network,
    status: previous,
    connectedAt: ctx.target.host,
    nonce: ctx.nonce,
    generation: node.metadata.generation,
  });
  const at = ctx.now.toISOString();
  const confirmedStatus = (address: string, token: string, message: string): PiNodeNetworkStatus => ({
    address,
    replacedAddress: node.spec.address,
    lastChange: { outcome: 'Confirmed', token, at, message },
  });
  switch (action.kind) {
    case 'none':
      return network
        ? { events: [], rolledBack: { status: 'False', reason: 'InSync', message: `the Pi has ${describe(network)} as declared` } }
        : nothing;
    case 'unmanaged':
      return { events: [], notReady: { reason: 'NetworkUnmanaged', message: action.message, stalled: true } };
    case 'heldBack':
      return { events: [], notReady: { reason: 'NetworkRolledBack', message: action.message, stalled: true } };
    case 'waitArmed':
      return { events: [], notReady: { reason: 'NetworkChangePending', message: action.message, stalled: false }, requeueAfterMs: 5_000 };
    case 'reportRolledBack':
      return rolledBack(previous, action.token, action.message, at, node.metadata.generation);
    case 'confirm': {
      // A change an earlier reconcile (or leader) armed, and bramble is at its address now.
      const iface = network?.interface ?? 'eth0';
      const confirmed = await confirmAt(ctx.executor, ctx.target, iface, action.token, action.staticIp);
      if (confirmed.result !== 'confirmed') {
        return {
          events: [],
          notReady: { reason: 'NetworkChangePending', message: `confirming the network change: ${confirmed.detail}`, stalled: false },
          requeueAfterMs: 5_000,
        };
      }
      const message = `${network ? describe(network) : 'network'} confirmed at ${ctx.target.host}`;
      return {
        events: [{ type: 'Normal', reason: 'NetworkConfirmed', message }],
        network: confirmedStatus(ctx.target.host, action.token, message),
        rolledBack: { status: 'False', reason: 'Confirmed', message },
      };
    }
    case 'try': {
      const outcome = await tryNetworkChange(ctx.executor, ctx.target, action, ctx.timing ?? realTiming);
      const what = describe(action.change.network);
      switch (outcome.outcome) {
        case 'confirmed': {
          const message = `${what} confirmed at ${outcome.address} after ${(outcome.elapsedMs / 1000).toFixed(1)}s`;
          return {
            events: [{ type: 'Normal', reason: 'NetworkChanged', message }],
            network: confirmedStatus(outcome.address, action.change.token, message),
            rolledBack: { status: 'False', reason: 'Confirmed', message },
          };
        }
        case 'rolledBack':
          return rolledBack(previous, action.change.token, outcome.message, at, node.metadata.generation);
        case 'failed':
          return {
            events: [{ type: 'Warning', reason: 'NetworkChangeFailed', message: outcome.message }],
            notReady: { reason: 'NetworkChangeFailed', message: outcome.message, stalled: true },
          };
        case 'lost':
          return {
            events: [{ type: 'Warning', reason: 'NetworkLost', message: outcome.message }],
            notReady: { reason: 'NetworkLost', message: outcome.message, stalled: false },
            requeueAfterMs: 10_000,
          };
      }
    }
  }
}

function rolledBack(
  previous: PiNodeNetworkStatus | undefined,
  token: string,
  message: string,
  at: string,
  generation: number | undefined,
): NetworkResult {
  return {
    events: [{ type: 'Warning', reason: 'NetworkRolledBack', message }],
    network: {
      ...previous,
      lastChange: { outcome: 'RolledBack', token, at, message, ...(generation !== undefined ? { generation } : {}) },
    },
    rolledBack: { status: 'True', reason: 'NetworkRolledBack', message },
    notReady: { reason: 'NetworkRolledBack', message, stalled: true },
  };
}

/**
 * The status with the network's part laid over it: status.network, the NetworkRolledBack
 * condition, and Ready/Configured False (Stalled when only a spec change helps) while the declared
 * network is not in place.
 */
export function withNetworkResult(status: PiNodeStatus, result: NetworkResult, now: Date, generation: number | undefined): PiNodeStatus {
  let conditions: Condition[] = status.conditions ?? [];
  const gen = generation !== undefined ? { observedGeneration: generation } : {};
  const set = (type: string, s: 'True' | 'False', reason: string, message: string) => {
    conditions = setCondition(conditions, { type, status: s, reason, message, ...gen }, now);
  };
  if (result.rolledBack) set('NetworkRolledBack', result.rolledBack.status, result.rolledBack.reason, result.rolledBack.message);
  if (result.notReady) {
    const { reason, message } = result.notReady;
    set('Configured', 'False', reason, message);
    set('Ready', 'False', reason, message);
    if (result.notReady.stalled) set('Stalled', 'True', reason, message);
    else set('Reconciling', 'True', reason, message);
  }
  return { ...status, conditions, ...(result.network ? { network: result.network } : {}) };
}
