// Two PiNodes may not declare the same static address, nor one the address another is reached
// at: both Pis would answer to it, and bramble would configure whichever answered. Refused before
// anything is sent (reason AddressConflict).
import type { ClusterView } from '../contract.ts';
import { connectAddressOf } from '../../crds/pinode-network.ts';
import type { PiNode } from './pinode-types.ts';
import { staticIpOf } from './network-plan.ts';

export function addressConflicts(node: PiNode, view: ClusterView): string[] {
  const network = node.spec.network;
  const mine = network ? staticIpOf(network) : undefined;
  if (!mine) return [];
  const problems: string[] = [];
  for (const other of view.list<PiNode>('PiNode', node.metadata.namespace)) {
    if (other.metadata.name === node.metadata.name) continue;
    const theirs = other.spec.network ? staticIpOf(other.spec.network) : undefined;
    if (theirs === mine) problems.push(`static address ${mine} is also declared by PiNode ${other.metadata.name}`);
    else if (connectAddressOf(other.spec, other.status) === mine)
      problems.push(`static address ${mine} is where PiNode ${other.metadata.name} is reached`);
  }
  return problems;
}
