import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarize, type SizeInput } from './summary.ts';
import { renderSummary } from './render.ts';

const run = (wallMs: number, cpuMs: number) => ({ wallMs, cpuMs, peakRssBytes: 50 << 20 });
const bramble = (convergeMs: number, latencies: number[]) => ({
  convergeMs,
  convergeExecsPerNode: 2,
  convergeCpuMs: 100,
  resyncMs: 200,
  resyncExecsPerNode: 1,
  resyncMutating: 0,
  resyncCpuMs: 20,
  eventLatenciesMs: latencies,
  operatorPeakRssBytes: 100 << 20,
  controlPlanePeakRssBytes: 60 << 20,
});

const input: SizeInput = {
  nodes: 10,
  bramble: [bramble(3000, [10, 20]), bramble(1000, [30, 400]), bramble(2000, [40])],
  ansibleForksN: [{ first: run(20_000, 16_000), noChange: run(10_000, 15_000) }],
  ansibleForks5: [],
  pdshConverge: [run(2000, 100)],
  pdshResync: [run(1000, 50)],
};

test('summarize takes medians per contender, pools latencies and derives the ratios', () => {
  const s = summarize(input);
  assert.equal(s.bramble.convergeMs, 2000);
  assert.equal(s.bramble.convergeCpuMsPerHost, 10);
  assert.equal(s.bramble.eventP99Ms, 400);
  assert.equal(s.bramble.eventP50Ms, 30);
  assert.equal(s.bramble.peakRssBytes, 160 << 20);
  assert.equal(s.ansibleForksN?.convergeCpuMsPerHost, 1600);
  assert.equal(s.ansibleForks5, undefined);
  assert.equal(s.ratios.convergeVsAnsibleForksN, 0.1);
  assert.equal(s.ratios.convergeVsPdsh, 1);
  assert.equal(s.ratios.noChangeVsAnsibleForksN, 0.02);
});

test('targets are judged against the issue limits', () => {
  const byName = new Map(summarize(input).targets.map((t) => [t.name, t.met]));
  assert.equal(byName.get('converge / Ansible forks=N'), true);
  assert.equal(byName.get('event → first SSH command p99'), false);
  assert.equal(byName.get('operator CPU per host, no-change resync'), true);
});

test('the report prints every contender and marks missing comparisons n/a', () => {
  const text = renderSummary([summarize({ ...input, ansibleForksN: [], pdshConverge: [], pdshResync: [] })], 3);
  assert.match(text, /### 10 simulated Pis/);
  assert.match(text, /\| Ansible forks=10 \| n\/a \|/);
  assert.match(text, /MISSED converge \/ Ansible forks=N: n\/a/);
  assert.match(text, /p99 400 ms/);
});

test('the no-change target is 0.03× Ansible, and each target carries the figures it came from', () => {
  const s = summarize({ ...input, ansibleForksN: [{ first: run(20_000, 16_000), noChange: run(5_000, 15_000) }] });
  const noChange = s.targets.find((t) => t.name === 'no-change resync / Ansible no-change');
  assert.equal(noChange?.limit, 0.03);
  assert.equal(noChange?.value, 0.04);
  assert.equal(noChange?.met, false);
  assert.equal(noChange?.figures, 'bramble 0.20 s / Ansible forks=10 5.00 s');
  assert.equal(noChange?.phase, 'resync');
  assert.equal(s.targets.find((t) => t.phase === 'event')?.figures, '5 samples, p50 30 ms, max 400 ms');
});

test('every target line prints its figure, what it came from, the target and how far from it', () => {
  const text = renderSummary([summarize(input)], 3);
  assert.match(
    text,
    /met {4}converge \/ Ansible forks=N: 0\.100× \(bramble 2\.00 s \/ Ansible forks=10 20\.00 s; target ≤ 0\.15×, 0\.67 of it\)/,
  );
  assert.match(text, /MISSED event → first SSH command p99: 400\.0 ms \(5 samples, p50 30 ms, max 400 ms; target ≤ 250 ms, 1\.60 of it\)/);
  assert.match(text, /met {4}operator CPU per host, converge: 10\.0 ms \(100 ms CPU \/ 10 Pis; target ≤ 30 ms, 0\.33 of it\)/);
  for (const line of text.split('\n').filter((l) => /^ {2}(met|MISSED)/.test(l))) assert.match(line, /target ≤ /);
});
