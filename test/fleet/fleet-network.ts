// The fleet's network: one bridge on the host holding the bridge address, and per node a
// network namespace joined to it by a veth pair. No NAT, no forwarding, no default route, so
// the nodes reach each other and the host's bridge address and nothing else.
import { writeFileSync } from 'node:fs';
import { mustRun } from './run-command.ts';
import { record, saveState, type FleetState } from './fleet-state.ts';
import type { FleetLayout, NodeLayout } from './layout.ts';

export async function createBridge(layout: FleetLayout, state: FleetState): Promise<void> {
  const inUse = (await mustRun('ip', ['-4', '-o', 'addr', 'show', 'to', layout.subnet])).trim();
  if (inUse) {
    throw new Error(`subnet ${layout.subnet} of fleet ${layout.name} is already used on this host: ${inUse}; pass another subnet`);
  }
  state.bridge = layout.bridge;
  saveState(state);
  await mustRun('ip', ['link', 'add', layout.bridge, 'type', 'bridge']);
  disableIpv6(layout.bridge);
  await mustRun('ip', ['addr', 'add', `${layout.bridgeAddress}/${layout.prefixLength}`, 'dev', layout.bridge]);
  await mustRun('ip', ['link', 'set', layout.bridge, 'up']);
}

export async function createNodeNetwork(layout: FleetLayout, node: NodeLayout, state: FleetState): Promise<void> {
  record(state, 'netns', node.netns);
  await mustRun('ip', ['netns', 'add', node.netns]);
  // The node end is created inside the namespace, so it can be called eth0 like on a Pi.
  await mustRun('ip', ['link', 'add', node.hostVeth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', node.netns]);
  disableIpv6(node.hostVeth);
  await mustRun('ip', ['link', 'set', node.hostVeth, 'master', layout.bridge, 'up']);
  const inNs = (...args: string[]) => mustRun('ip', ['-n', node.netns, ...args]);
  await inNs('link', 'set', 'lo', 'up');
  await inNs('addr', 'add', `${node.address}/${layout.prefixLength}`, 'dev', 'eth0');
  await inNs('link', 'set', 'eth0', 'up');
}

const hostSubnet = /^10\.(\d{1,3})\.(\d{1,3})\.0\/24$/;

function checkSubnet(subnet: string): string {
  const m = hostSubnet.exec(subnet);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) throw new Error(`subnet ${JSON.stringify(subnet)} must be a /24 inside 10.0.0.0/8`);
  return `10.${m[1]}.${m[2]}`;
}

/** The host at .1 of another /24 on the bridge (removed with it). */
export async function addBridgeSubnet(bridge: string, subnet: string): Promise<void> {
  await mustRun('ip', ['addr', 'add', `${checkSubnet(subnet)}.1/24`, 'dev', bridge]);
}

/** A /24 routed into the bridge without a host address in it (the route goes with the bridge). */
export async function routeToBridge(bridge: string, subnet: string): Promise<void> {
  checkSubnet(subnet);
  await mustRun('ip', ['route', 'add', subnet, 'dev', bridge]);
}

/** Link down on the host end: the node keeps its address but nothing reaches it, like a pulled cable. */
export async function setLink(node: NodeLayout, up: boolean): Promise<void> {
  await mustRun('ip', ['link', 'set', node.hostVeth, up ? 'up' : 'down']);
}

// Host-side ports need no IPv6; without it they send no router solicitations or MLD reports.
function disableIpv6(ifname: string): void {
  try {
    writeFileSync(`/proc/sys/net/ipv6/conf/${ifname}/disable_ipv6`, '1');
  } catch {
    // IPv6 is not compiled in: nothing to disable.
  }
}
