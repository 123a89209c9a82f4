// Medians of a size's rounds, the ratios the issue asks for, and each target met or missed. Pure.
import { median, percentile, ratio } from './stats.ts';

interface BrambleFigures {
  convergeMs: number;
  convergeExecsPerNode: number;
  convergeCpuMs: number;
  resyncMs: number;
  resyncExecsPerNode: number;
  resyncMutating: number;
  resyncCpuMs: number;
  eventLatenciesMs: number[];
  operatorPeakRssBytes: number;
  controlPlanePeakRssBytes: number;
}
interface RunFigures {
  wallMs: number;
  cpuMs: number;
  peakRssBytes: number;
}
interface PairFigures {
  first: RunFigures;
  noChange: RunFigures;
}

export interface SizeInput {
  nodes: number;
  bramble: BrambleFigures[];
  ansibleForksN: PairFigures[];
  ansibleForks5: PairFigures[];
  pdshConverge: RunFigures[];
  pdshResync: RunFigures[];
}

export interface ContenderSummary {
  convergeMs: number;
  resyncMs: number;
  convergeCpuMsPerHost: number;
  resyncCpuMsPerHost: number;
  peakRssBytes: number;
}

export interface Target {
  name: string;
  value: number;
  limit: number;
  unit: string;
  met: boolean;
  /** What the value was computed from, printed beside it: "bramble 6.1 s / Ansible 29.0 s". */
  figures: string;
  /** Where a profile of the miss is taken: the bramble phase the figure measures. */
  phase: 'converge' | 'resync' | 'event';
}

export interface SizeSummary {
  nodes: number;
  bramble: ContenderSummary & {
    convergeExecsPerNode: number;
    resyncExecsPerNode: number;
    resyncMutating: number;
    eventP50Ms: number;
    eventP99Ms: number;
    eventSamples: number;
    operatorPeakRssBytes: number;
    controlPlanePeakRssBytes: number;
  };
  ansibleForksN?: ContenderSummary;
  ansibleForks5?: ContenderSummary;
  pdsh?: ContenderSummary;
  ratios: { convergeVsAnsibleForksN: number; convergeVsPdsh: number; noChangeVsAnsibleForksN: number; noChangeVsPdsh: number };
  targets: Target[];
}

const seconds = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${(v / 1000).toFixed(2)} s`);
const med = <T>(xs: readonly T[], f: (x: T) => number): number => median(xs.map(f));

function pairSummary(pairs: readonly PairFigures[], nodes: number): ContenderSummary | undefined {
  if (pairs.length === 0) return undefined;
  return {
    convergeMs: med(pairs, (p) => p.first.wallMs),
    resyncMs: med(pairs, (p) => p.noChange.wallMs),
    convergeCpuMsPerHost: med(pairs, (p) => p.first.cpuMs) / nodes,
    resyncCpuMsPerHost: med(pairs, (p) => p.noChange.cpuMs) / nodes,
    peakRssBytes: Math.max(...pairs.flatMap((p) => [p.first.peakRssBytes, p.noChange.peakRssBytes])),
  };
}

export function summarize(input: SizeInput): SizeSummary {
  const { nodes, bramble: b } = input;
  const latencies = b.flatMap((r) => r.eventLatenciesMs);
  const bramble = {
    convergeMs: med(b, (r) => r.convergeMs),
    resyncMs: med(b, (r) => r.resyncMs),
    convergeCpuMsPerHost: med(b, (r) => r.convergeCpuMs) / nodes,
    resyncCpuMsPerHost: med(b, (r) => r.resyncCpuMs) / nodes,
    peakRssBytes: Math.max(...b.map((r) => r.operatorPeakRssBytes + r.controlPlanePeakRssBytes)),
    convergeExecsPerNode: med(b, (r) => r.convergeExecsPerNode),
    resyncExecsPerNode: med(b, (r) => r.resyncExecsPerNode),
    resyncMutating: Math.max(...b.map((r) => r.resyncMutating)),
    eventP50Ms: percentile(latencies, 50),
    eventP99Ms: percentile(latencies, 99),
    eventSamples: latencies.length,
    operatorPeakRssBytes: Math.max(...b.map((r) => r.operatorPeakRssBytes)),
    controlPlanePeakRssBytes: Math.max(...b.map((r) => r.controlPlanePeakRssBytes)),
  };
  const ansibleForksN = pairSummary(input.ansibleForksN, nodes);
  const ansibleForks5 = pairSummary(input.ansibleForks5, nodes);
  const pdsh =
    input.pdshConverge.length === 0
      ? undefined
      : {
          convergeMs: med(input.pdshConverge, (r) => r.wallMs),
          resyncMs: med(input.pdshResync, (r) => r.wallMs),
          convergeCpuMsPerHost: med(input.pdshConverge, (r) => r.cpuMs) / nodes,
          resyncCpuMsPerHost: med(input.pdshResync, (r) => r.cpuMs) / nodes,
          peakRssBytes: Math.max(...input.pdshConverge.map((r) => r.peakRssBytes), ...input.pdshResync.map((r) => r.peakRssBytes)),
        };
  const ratios = {
    convergeVsAnsibleForksN: ratio(bramble.convergeMs, ansibleForksN?.convergeMs),
    convergeVsPdsh: ratio(bramble.convergeMs, pdsh?.convergeMs),
    noChangeVsAnsibleForksN: ratio(bramble.resyncMs, ansibleForksN?.resyncMs),
    noChangeVsPdsh: ratio(bramble.resyncMs, pdsh?.resyncMs),
  };
  const target = (name: string, value: number, limit: number, unit: string, phase: Target['phase'], figures: string): Target => ({
    name,
    value,
    limit,
    unit,
    met: Number.isFinite(value) && value <= limit,
    figures,
    phase,
  });
  const vs = (a: number, b: number | undefined, of: string): string => `bramble ${seconds(a)} / ${of} ${seconds(b)}`;
  const targets = [
    target(
      'converge / Ansible forks=N',
      ratios.convergeVsAnsibleForksN,
      0.15,
      '×',
      'converge',
      vs(bramble.convergeMs, ansibleForksN?.convergeMs, `Ansible forks=${nodes}`),
    ),
    target('converge / pdsh floor', ratios.convergeVsPdsh, 1.2, '×', 'converge', vs(bramble.convergeMs, pdsh?.convergeMs, 'pdsh')),
    target(
      'no-change resync SSH execs per node',
      bramble.resyncExecsPerNode,
      1,
      '',
      'resync',
      `${bramble.resyncExecsPerNode * nodes} execs / ${nodes} Pis`,
    ),
    target(
      'no-change resync / Ansible no-change',
      ratios.noChangeVsAnsibleForksN,
      0.03,
      '×',
      'resync',
      vs(bramble.resyncMs, ansibleForksN?.resyncMs, `Ansible forks=${nodes}`),
    ),
    target(
      'event → first SSH command p99',
      bramble.eventP99Ms,
      250,
      'ms',
      'event',
      `${latencies.length} samples, p50 ${Math.round(bramble.eventP50Ms)} ms, max ${Math.round(Math.max(...latencies))} ms`,
    ),
    target(
      'operator CPU per host, converge',
      bramble.convergeCpuMsPerHost,
      30,
      'ms',
      'converge',
      `${Math.round(med(b, (r) => r.convergeCpuMs))} ms CPU / ${nodes} Pis`,
    ),
    target(
      'operator CPU per host, no-change resync',
      bramble.resyncCpuMsPerHost,
      5,
      'ms',
      'resync',
      `${Math.round(med(b, (r) => r.resyncCpuMs))} ms CPU / ${nodes} Pis`,
    ),
  ];
  return {
    nodes,
    bramble,
    ...(ansibleForksN && { ansibleForksN }),
    ...(ansibleForks5 && { ansibleForks5 }),
    ...(pdsh && { pdsh }),
    ratios,
    targets,
  };
}
