// The status one SlurmPartition reports, from what Slurm itself said. Pure.
import type { SlurmNodeCounts, SlurmNodeStatus, SlurmPartitionStatus } from './types.ts';
import { categoryOf, usable, type ScontrolNode } from './parse-scontrol.ts';
import type { ControllerObservation } from './parse-observed.ts';
import type { StatusContext as SharedStatusContext } from '../shared/status-verdict.ts';

export type StatusContext = SharedStatusContext<SlurmPartitionStatus>;
export { conditionsFor, statusWith, type Verdict } from '../shared/status-verdict.ts';

/** Each node of the partition with Slurm's word for it; UNKNOWN when Slurm does not know it yet. */
export function nodeStatuses(names: readonly string[], running: readonly ScontrolNode[]): SlurmNodeStatus[] {
  const byName = new Map(running.map((n) => [n.name, n] as const));
  return [...names].sort().map((name) => {
    const node = byName.get(name);
    const entry: SlurmNodeStatus = { name, state: node ? node.stateText.slice(0, 64) : 'UNKNOWN' };
    if (node?.reason) entry.reason = node.reason.slice(0, 256);
    return entry;
  });
}

export function nodeCounts(selected: readonly string[], running: readonly ScontrolNode[]): SlurmNodeCounts {
  const counts: SlurmNodeCounts = { total: selected.length, idle: 0, allocated: 0, mixed: 0, drained: 0, down: 0 };
  const byName = new Map(running.map((n) => [n.name, n] as const));
  for (const name of selected) {
    const node = byName.get(name);
    if (!node) {
      counts.down++;
      continue;
    }
    const c = categoryOf(node);
    if (c === 'draining') counts.drained++;
    else counts[c]++;
  }
  return counts;
}

/** Why selected nodes are not usable, one phrase each; empty when all of them are. */
export function unusableNodes(selected: readonly string[], ctl: ControllerObservation, waitingForFacts: readonly string[]): string[] {
  const byName = new Map(ctl.nodes.map((n) => [n.name, n] as const));
  const out: string[] = waitingForFacts.map((n) => `${n} has no facts yet (PiNode not observed)`);
  for (const name of selected) {
    if (waitingForFacts.includes(name)) continue;
    const node = byName.get(name);
    if (!node) out.push(`${name} is not known to slurmctld yet`);
    else if (!usable(node)) {
      const who =
        node.flags.includes('DRAIN') && !(node.reason ?? '').startsWith('bramble:') ? ' (drained by an admin; bramble leaves it)' : '';
      out.push(`${name} is ${node.stateText}${node.reason ? `: ${node.reason}` : ''}${who}`);
    }
  }
  return out;
}
