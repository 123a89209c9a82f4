// The cluster a SlurmPartition belongs to, as a pure function of what the view and the
// controller report: every partition with the same clusterName in the namespace, the nodes
// they select, and the nodes that are leaving (drained first, removed only once idle).
import type { PiNode, SlurmClusterConfig, SlurmNodeSpec, SlurmPartition, SlurmPartitionLine } from './types.ts';
import { realMemoryMiB } from './real-memory.ts';
import { brambleReasonPrefix, drainedByBramble, hasJobs, type ScontrolNode } from './parse-scontrol.ts';
import { extraConfigProblems } from './slurm-conf.ts';

/** Why a node that Slurm knows is no longer wanted, and what happens to it now. */
export interface LeavingNode {
  name: string;
  /** drain: not drained yet; wait: drained, jobs still running; remove: drained and idle. */
  action: 'drain' | 'wait' | 'remove';
}

export interface ClusterPlanInput {
  clusterName: string;
  /** Partitions of the cluster that are not being deleted, or being deleted with jobs left. */
  partitions: readonly SlurmPartition[];
  /** Partitions being deleted that still have running jobs: kept as State=DRAIN until empty. */
  retiring: ReadonlySet<string>;
  /** PiNodes each partition's selector picks, by partition name. */
  selected: ReadonlyMap<string, readonly PiNode[]>;
  controller: { name: string; hostname: string; address: string };
  /** What the running slurmctld knows, when it answered. */
  running?: readonly ScontrolNode[];
  /** NodeName lines of the slurm.conf now on the controller (used when slurmctld is not answering). */
  deployedNodes: readonly SlurmNodeSpec[];
}

export interface ClusterModel {
  config: SlurmClusterConfig;
  /** Selected PiNodes that are in the config. */
  members: string[];
  /** Selected PiNodes left out until their PiNode reports CPUs and memory. */
  waitingForFacts: string[];
  leaving: LeavingNode[];
  /** Nodes bramble drained earlier that are selected again: resume them. */
  resume: string[];
}

/** Names of partitions that disagree about the controller, or undefined when all agree. */
export function controllerConflict(partitions: readonly SlurmPartition[]): string | undefined {
  const byController = new Map<string, string[]>();
  for (const p of [...partitions].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
    const list = byController.get(p.spec.controller) ?? [];
    list.push(p.metadata.name);
    byController.set(p.spec.controller, list);
  }
  if (byController.size <= 1) return undefined;
  return [...byController]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([c, names]) => `${names.join(', ')} → ${c}`)
    .join('; ');
}

/** Problems that stop the whole cluster until someone fixes the partitions. */
export function clusterProblems(partitions: readonly SlurmPartition[]): string[] {
  const problems: string[] = [];
  const conflict = controllerConflict(partitions);
  if (conflict) problems.push(`partitions disagree about the controller: ${conflict}`);
  const extra = new Map<string, { value: string; from: string }>();
  for (const p of partitions) {
    for (const problem of extraConfigProblems(p.spec.extraConfig ?? [], p.spec.allowRootPrograms === true))
      problems.push(`${p.metadata.name}: ${problem}`);
    for (const e of p.spec.extraConfig ?? []) {
      const before = extra.get(e.name.toLowerCase());
      if (before && before.value !== e.value) {
        problems.push(`partitions ${before.from} and ${p.metadata.name} set ${e.name} differently`);
      }
      extra.set(e.name.toLowerCase(), { value: e.value, from: p.metadata.name });
    }
  }
  const defaults = partitions.filter((p) => p.spec.default).map((p) => p.metadata.name);
  if (defaults.length > 1) problems.push(`more than one default partition: ${defaults.sort().join(', ')}`);
  return problems;
}

const nodeNamePattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Slurm NodeNames are PiNode names; a dotted name would be read as a host list by Slurm tools. */
export function invalidNodeNames(nodes: Iterable<PiNode>): string[] {
  return [...new Set([...nodes].map((n) => n.metadata.name).filter((n) => !nodeNamePattern.test(n)))].sort();
}

function nodeSpecOf(node: PiNode, reservedMiB: number): SlurmNodeSpec | undefined {
  const facts = node.status?.facts;
  if (!facts?.cpus || !facts.memoryBytes) return undefined;
  return {
    name: node.metadata.name,
    address: node.spec.address,
    cpus: facts.cpus,
    realMemoryMiB: realMemoryMiB(facts.memoryBytes, reservedMiB),
  };
}

function runningSpec(node: ScontrolNode): SlurmNodeSpec | undefined {
  if (!node.address || !node.cpus || !node.realMemoryMiB) return undefined;
  return { name: node.name, address: node.address, cpus: node.cpus, realMemoryMiB: node.realMemoryMiB };
}

export function buildCluster(input: ClusterPlanInput): ClusterModel {
  const partitions = [...input.partitions].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
  // A node in several partitions leaves the OS the most any of them asks for.
  const reserved = new Map<string, number>();
  const pinodes = new Map<string, PiNode>();
  for (const p of partitions) {
    for (const node of input.selected.get(p.metadata.name) ?? []) {
      pinodes.set(node.metadata.name, node);
      reserved.set(node.metadata.name, Math.max(reserved.get(node.metadata.name) ?? 0, p.spec.reservedMemoryMiB ?? 256));
    }
  }
  const specs = new Map<string, SlurmNodeSpec>();
  const waitingForFacts: string[] = [];
  for (const [name, node] of pinodes) {
    const spec = nodeSpecOf(node, reserved.get(name) ?? 256);
    if (spec) specs.set(name, spec);
    else waitingForFacts.push(name);
  }
  const members = [...specs.keys()].sort();

  // Leaving: known to Slurm (or to the deployed conf when slurmctld is silent), not selected.
  const leaving: LeavingNode[] = [];
  const keptPartitions = new Map<string, string[]>();
  const running = new Map((input.running ?? []).map((n) => [n.name, n] as const));
  const known = input.running ? [...running.keys()] : input.deployedNodes.map((n) => n.name);
  for (const name of [...new Set(known)].sort()) {
    if (pinodes.has(name)) continue;
    const node = running.get(name);
    if (!node) {
      // slurmctld does not answer: nothing can be drained or checked for jobs, so keep it.
      const deployed = input.deployedNodes.find((n) => n.name === name);
      if (deployed) specs.set(name, deployed);
      leaving.push({ name, action: 'wait' });
      continue;
    }
    const action: LeavingNode['action'] = !node.flags.includes('DRAIN') ? 'drain' : hasJobs(node) ? 'wait' : 'remove';
    leaving.push({ name, action });
    if (action === 'remove') continue;
    const spec = runningSpec(node) ?? input.deployedNodes.find((n) => n.name === name);
    if (spec) specs.set(name, spec);
    keptPartitions.set(name, node.partitions);
  }

  const resume = members.filter((name) => {
    const node = running.get(name);
    return node !== undefined && drainedByBramble(node);
  });

  const lines: SlurmPartitionLine[] = partitions.map((p) => {
    const name = p.metadata.name;
    const nodes = new Set((input.selected.get(name) ?? []).map((n) => n.metadata.name).filter((n) => specs.has(n)));
    for (const [node, parts] of keptPartitions) if (parts.includes(name)) nodes.add(node);
    return {
      name,
      nodes: [...nodes].sort(),
      default: p.spec.default ?? false,
      maxTime: p.spec.maxTime ?? 'UNLIMITED',
      state: input.retiring.has(name) ? 'DRAIN' : (p.spec.state ?? 'UP'),
    };
  });

  const extra = new Map<string, { name: string; value: string }>();
  for (const p of partitions) for (const e of p.spec.extraConfig ?? []) extra.set(e.name.toLowerCase(), { name: e.name, value: e.value });

  return {
    config: {
      clusterName: input.clusterName,
      controller: input.controller,
      nodes: [...specs.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
      partitions: lines,
      extraConfig: [...extra.values()].sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1)),
    },
    members,
    waitingForFacts: waitingForFacts.sort(),
    leaving,
    resume,
  };
}

export const leftSelectorReason = `${brambleReasonPrefix} left selector`;
