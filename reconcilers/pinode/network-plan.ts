// What to do about spec.network on this reconcile. Pure: from the spec, what the observe found on
// the Pi, what status recorded and the address bramble is connected at. The state file on the Pi
// (network-scripts.ts) is the truth about the last change, so a new leader reads how a change
// ended there, not in memory.
import type { NetworkManagedBy, PiNodeNetwork, PiNodeNetworkStatus } from '../../crds/pinode-network.ts';
import type { ObservedNetwork } from './network-observe.ts';
import { configDigest, networkConfigFor } from './network-profile.ts';
import type { NetworkChange } from './network-scripts.ts';

export type NetworkAction =
  /** No spec.network, or the Pi already has bramble's profile as declared. */
  | { kind: 'none' }
  /** The Pi's network is managed by something bramble does not write for. */
  | { kind: 'unmanaged'; message: string }
  /** The last change rolled back and status has not said so yet. */
  | { kind: 'reportRolledBack'; token: string; message: string }
  /** The declared settings rolled back at this generation: not tried again until the spec changes. */
  | { kind: 'heldBack'; message: string }
  /** A change is armed and bramble is not at its address: the Pi's timer decides. */
  | { kind: 'waitArmed'; message: string }
  /** A change is armed and bramble reached the Pi at the change's address: confirm it. */
  | { kind: 'confirm'; token: string; staticIp?: string }
  | { kind: 'try'; change: NetworkChange; reachAt: string; staticIp?: string };

export interface NetworkPlanInput {
  network: PiNodeNetwork | undefined;
  managedBy: NetworkManagedBy | undefined;
  observed: ObservedNetwork | undefined;
  status: PiNodeNetworkStatus | undefined;
  /** Where bramble is connected for this reconcile. */
  connectedAt: string;
  /** A fresh suffix for a new change's token. */
  nonce: string;
  /** metadata.generation of the PiNode. */
  generation?: number | undefined;
}

/** A change's token starts with the digest of what it wrote, so a rolled-back setting is known again. */
export const digestOfToken = (token: string) => token.split('-')[0] ?? '';

export function staticIpOf(network: PiNodeNetwork): string | undefined {
  return network.mode === 'Static' ? network.address?.split('/')[0] : undefined;
}

export function planNetwork(input: NetworkPlanInput): NetworkAction {
  const { network, managedBy, observed, status, connectedAt } = input;
  if (!network || !observed) return { kind: 'none' };
  if (managedBy !== 'NetworkManager' && managedBy !== 'dhcpcd') {
    return {
      kind: 'unmanaged',
      message: `the Pi's network is managed by ${managedBy ?? 'something bramble could not tell'}; bramble writes NetworkManager profiles and dhcpcd.conf only`,
    };
  }
  const config = networkConfigFor(managedBy, network) ?? '';
  const digest = configDigest(config);
  const reachAt = network.reachAt ?? connectedAt;
  const staticIp = staticIpOf(network);
  const onPi = managedBy === 'NetworkManager' ? observed.networkManagerDigest : observed.dhcpcdDigest;
  const last = observed.lastChange;

  if (last?.phase === 'armed') {
    if (connectedAt === reachAt && digestOfToken(last.token) === digest && onPi === digest) {
      return { kind: 'confirm', token: last.token, ...(staticIp ? { staticIp } : {}) };
    }
    return {
      kind: 'waitArmed',
      message: `a network change is waiting for confirmation at ${reachAt}; the Pi restores its previous network unless it is confirmed`,
    };
  }
  if (last?.phase === 'rolled-back' && status?.lastChange?.token !== last.token) {
    return {
      kind: 'reportRolledBack',
      token: last.token,
      message: `the Pi restored its previous network: the change to ${describe(network)} was not confirmed at ${reachAt} within ${network.rollbackAfterSeconds}s`,
    };
  }
  if (onPi === digest) return { kind: 'none' };
  const rolledBackHere =
    status?.lastChange?.outcome === 'RolledBack' &&
    status.lastChange.token === last?.token &&
    status.lastChange.generation === input.generation;
  if (last?.phase === 'rolled-back' && digestOfToken(last.token) === digest && rolledBackHere) {
    return { kind: 'heldBack', message: `${describe(network)} rolled back before; not tried again until spec.network changes` };
  }
  return {
    kind: 'try',
    change: { managedBy, network, config, token: `${digest}-${input.nonce}` },
    reachAt,
    ...(staticIp ? { staticIp } : {}),
  };
}

export function describe(network: PiNodeNetwork): string {
  return network.mode === 'Static' ? `static ${network.address ?? ''} on ${network.interface}` : `DHCP on ${network.interface}`;
}
