// Names and addresses of one fleet, derived from its name alone, so a crashed run's resources
// can be found again and two fleets never share a bridge, namespace or subnet. Pure: no I/O.
import { createHash } from 'node:crypto';

export interface NodeLayout {
  index: number;
  /** Hostname inside the node and the name tests use: pi0, pi1, … */
  name: string;
  /** systemd-nspawn machine name (unique on the host). */
  machine: string;
  address: string;
  /** Network namespace (under /run/netns) the node lives in. */
  netns: string;
  /** Host end of the node's veth pair, a port of the fleet bridge. */
  hostVeth: string;
}

export interface FleetLayout {
  name: string;
  /** Short hex tag that makes interface names unique per fleet (they are limited to 15 chars). */
  tag: string;
  /** e.g. 10.213.42.0/24 */
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  prefixLength: 24;
  nodes: NodeLayout[];
}

export const maxNodes = 200;
const firstNodeHost = 10;
const namePattern = /^[a-z][a-z0-9-]{0,23}$/;
const subnetPattern = /^10\.(\d{1,3})\.(\d{1,3})\.0\/24$/;

export function fleetLayout(name: string, nodeCount: number, subnet?: string): FleetLayout {
  if (!namePattern.test(name)) {
    throw new Error(`fleet name ${JSON.stringify(name)} must match ${namePattern}`);
  }
  if (!Number.isInteger(nodeCount) || nodeCount < 1 || nodeCount > maxNodes) {
    throw new Error(`a fleet has 1 to ${maxNodes} nodes, not ${nodeCount}`);
  }
  const digest = createHash('sha256').update(name).digest();
  const tag = digest.subarray(0, 3).toString('hex');
  const net = subnet ?? defaultSubnet(digest);
  const match = subnetPattern.exec(net);
  if (!match || Number(match[1]) > 255 || Number(match[2]) > 255) {
    throw new Error(`subnet ${JSON.stringify(net)} must be a /24 inside 10.0.0.0/8, like 10.213.7.0/24`);
  }
  const base = `10.${match[1]}.${match[2]}`;
  const nodes = Array.from({ length: nodeCount }, (_, index): NodeLayout => ({
    index,
    name: `pi${index}`,
    machine: `${name}-pi${index}`,
    address: `${base}.${firstNodeHost + index}`,
    netns: `bramble-${name}-pi${index}`,
    hostVeth: `bv${tag}-${index}`,
  }));
  return { name, tag, subnet: net, bridge: `bbr-${tag}`, bridgeAddress: `${base}.1`, prefixLength: 24, nodes };
}

// 10.213.0.0/16 is rarely used by anything else; the third octet spreads fleets over it.
function defaultSubnet(digest: Buffer): string {
  const third = 1 + (digest.readUInt16BE(3) % 254);
  return `10.213.${third}.0/24`;
}
