// Parses `scontrol show node -o` (one node per line of Key=Value pairs). Values may hold spaces
// (OS=Linux 6.1.0 #1 SMP …); Reason is last on the line and may hold anything, so it is cut off
// first. The state is a base state plus "+FLAG"s (IDLE+DRAIN, DOWN+NOT_RESPONDING); older
// releases mark not responding with a trailing "*" instead, which is read the same way.

export type NodeBaseState = 'IDLE' | 'ALLOCATED' | 'MIXED' | 'DOWN' | 'ERROR' | 'FUTURE' | 'UNKNOWN';

export interface ScontrolNode {
  name: string;
  /** The state as scontrol printed it, e.g. "MIXED+DRAIN". */
  stateText: string;
  base: NodeBaseState | string;
  flags: string[];
  /** The reason without Slurm's "[user@time]" suffix. */
  reason?: string;
  cpus?: number;
  cpusAllocated?: number;
  realMemoryMiB?: number;
  address?: string;
  partitions: string[];
  /** False when slurmd has never registered (SlurmdStartTime=None). */
  registered: boolean;
}

const reasonMarker = ' Reason=';
const pairStart = / (?=[A-Za-z_][A-Za-z0-9_]*=)/;

function fields(line: string): { pairs: Map<string, string>; reason?: string } {
  const at = line.indexOf(reasonMarker);
  const head = at >= 0 ? line.slice(0, at) : line;
  const reason =
    at >= 0
      ? line
          .slice(at + reasonMarker.length)
          .replace(/\s*\[[^\]]*@[^\]]*\]\s*$/, '')
          .trim()
      : undefined;
  const pairs = new Map<string, string>();
  for (const token of head.split(pairStart)) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    pairs.set(token.slice(0, eq).trim(), token.slice(eq + 1).trim());
  }
  return { pairs, ...(reason ? { reason } : {}) };
}

function int(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

export function parseNodeState(text: string): { base: string; flags: string[] } {
  const notResponding = text.includes('*');
  const [base = 'UNKNOWN', ...flags] = text.replaceAll('*', '').split('+').filter(Boolean);
  if (notResponding && !flags.includes('NOT_RESPONDING')) flags.push('NOT_RESPONDING');
  return { base: base.toUpperCase(), flags: flags.map((f) => f.toUpperCase()) };
}

export function parseScontrolNodes(output: string): ScontrolNode[] {
  const nodes: ScontrolNode[] = [];
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('NodeName=')) continue;
    const { pairs, reason } = fields(line);
    const name = pairs.get('NodeName');
    const stateText = pairs.get('State');
    if (!name || !stateText) continue;
    const { base, flags } = parseNodeState(stateText);
    const partitions = pairs.get('Partitions');
    const node: ScontrolNode = {
      name,
      stateText,
      base,
      flags,
      partitions: partitions && partitions !== '(null)' ? partitions.split(',').filter(Boolean) : [],
      registered: (pairs.get('SlurmdStartTime') ?? 'None') !== 'None',
    };
    if (reason && reason !== '(null)') node.reason = reason;
    const cpus = int(pairs.get('CPUTot'));
    if (cpus !== undefined) node.cpus = cpus;
    const alloc = int(pairs.get('CPUAlloc'));
    if (alloc !== undefined) node.cpusAllocated = alloc;
    const mem = int(pairs.get('RealMemory'));
    if (mem !== undefined) node.realMemoryMiB = mem;
    const addr = pairs.get('NodeAddr');
    if (addr) node.address = addr;
    nodes.push(node);
  }
  return nodes;
}

/** The bucket status counts a node in. */
export type NodeCategory = 'idle' | 'allocated' | 'mixed' | 'drained' | 'draining' | 'down';

export function categoryOf(node: Pick<ScontrolNode, 'base' | 'flags'>): NodeCategory {
  const busy = node.base === 'ALLOCATED' || node.base === 'MIXED' || node.flags.includes('COMPLETING');
  if (
    node.base === 'DOWN' ||
    node.base === 'ERROR' ||
    node.base === 'FUTURE' ||
    node.base === 'UNKNOWN' ||
    node.flags.includes('NOT_RESPONDING') ||
    node.flags.includes('FAIL')
  ) {
    return node.flags.includes('DRAIN') && !busy ? 'drained' : 'down';
  }
  if (node.flags.includes('DRAIN')) return busy ? 'draining' : 'drained';
  if (node.base === 'ALLOCATED') return 'allocated';
  if (node.base === 'MIXED') return 'mixed';
  return 'idle';
}

/** Whether the node still runs (or finishes) jobs: a leaving node waits while this holds. */
export function hasJobs(node: Pick<ScontrolNode, 'base' | 'flags' | 'cpusAllocated'>): boolean {
  return node.base === 'ALLOCATED' || node.base === 'MIXED' || node.flags.includes('COMPLETING') || (node.cpusAllocated ?? 0) > 0;
}

/** Drains bramble made carry this prefix; any other reason is a person's and is left alone. */
export const brambleReasonPrefix = 'bramble:';

export function drainedByBramble(node: Pick<ScontrolNode, 'flags' | 'reason'>): boolean {
  return node.flags.includes('DRAIN') && (node.reason ?? '').startsWith(brambleReasonPrefix);
}

/** Registered, responding, not drained or down: the node can take jobs. */
export function usable(node: ScontrolNode): boolean {
  const category = categoryOf(node);
  return node.registered && (category === 'idle' || category === 'allocated' || category === 'mixed');
}
