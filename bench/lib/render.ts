// The printed report: one table per size, the ratios, and the targets. Pure.
import type { ContenderSummary, SizeSummary, Target } from './summary.ts';

const ms = (v: number | undefined): string =>
  v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`;
const cpu = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${v.toFixed(1)} ms`);
const mb = (v: number | undefined): string => (v === undefined || !Number.isFinite(v) ? 'n/a' : `${Math.round(v / 1048576)} MB`);
const x = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(3)}×` : 'n/a');

function row(name: string, c: ContenderSummary | undefined, execs = '-'): string {
  return `| ${name} | ${ms(c?.convergeMs)} | ${ms(c?.resyncMs)} | ${execs} | ${cpu(c?.convergeCpuMsPerHost)} | ${cpu(c?.resyncCpuMsPerHost)} | ${mb(c?.peakRssBytes)} |`;
}

function targetLine(t: Target): string {
  const value = t.unit === '×' ? x(t.value) : t.unit === 'ms' ? cpu(t.value) : Number.isFinite(t.value) ? t.value.toFixed(2) : 'n/a';
  const limit = t.unit === '×' ? `${t.limit}×` : `${t.limit}${t.unit ? ` ${t.unit}` : ''}`;
  // How far from the target: 0.50 is half the limit, 1.40 is 40% over it.
  const ofTarget = Number.isFinite(t.value) ? `, ${(t.value / t.limit).toFixed(2)} of it` : '';
  return `  ${t.met ? 'met   ' : 'MISSED'} ${t.name}: ${value} (${t.figures}; target ≤ ${limit}${ofTarget})`;
}

export function renderSummary(sizes: readonly SizeSummary[], rounds: number): string {
  const out: string[] = [];
  for (const s of sizes) {
    const b = s.bramble;
    out.push(
      '',
      `### ${s.nodes} simulated Pis (systemd-nspawn, full nodes) — medians of ${rounds} paired rounds`,
      '',
      '| contender | converge (first run) | no-change run | SSH execs/node (converge / no-change) | controller CPU/host converge | CPU/host no-change | peak RSS |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      row('bramble (operator + control plane RSS)', b, `${b.convergeExecsPerNode.toFixed(2)} / ${b.resyncExecsPerNode.toFixed(2)}`),
      row(`Ansible forks=${s.nodes}`, s.ansibleForksN),
      row(s.nodes === 5 ? 'Ansible forks=5 (the same runs)' : 'Ansible forks=5', s.ansibleForks5),
      row(`pdsh -f ${s.nodes} floor (2 / 1 round trips)`, s.pdsh, '2 / 1'),
      '',
      `bramble peak RSS: operator ${mb(b.operatorPeakRssBytes)}, control plane ${mb(b.controlPlanePeakRssBytes)}; ` +
        `event → first SSH command: p50 ${ms(b.eventP50Ms)}, p99 ${ms(b.eventP99Ms)} (${b.eventSamples} samples); mutating commands in the no-change pass: ${b.resyncMutating}`,
      `ratios: converge bramble/Ansible forks=N ${x(s.ratios.convergeVsAnsibleForksN)}, bramble/pdsh floor ${x(s.ratios.convergeVsPdsh)}; ` +
        `no-change bramble/Ansible ${x(s.ratios.noChangeVsAnsibleForksN)}, bramble/pdsh ${x(s.ratios.noChangeVsPdsh)}`,
      'targets:',
      ...s.targets.map(targetLine),
    );
  }
  return `${out.join('\n')}\n`;
}
