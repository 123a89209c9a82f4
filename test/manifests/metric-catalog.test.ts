// manifests/metric-names.json against the code that exposes the metrics today: every metric
// the controller runtime, the SSH executor and the PiNode reconciler register must match the
// catalog's type and labels, so the rules and the dashboard query series that exist. (The
// Slurm, Gluster and MinIO metrics are checked once their reconcilers register them; the
// end-to-end Prometheus run checks the live /metrics.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createControllerMetrics } from '../../metrics/controller-metrics.ts';
import { throttledFlagNames } from '../../reconcilers/pinode/throttled.ts';
import { piNodeGaugeSamples } from '../../reconcilers/pinode/metrics.ts';
import { createNodeBootsCounter } from '../../reconcilers/pinode/boots-metric.ts';
import { createSshMetrics } from '../../ssh/prometheus-observer.ts';
import { loadCatalog } from './metric-catalog.ts';

const catalog = loadCatalog();

void test('the catalog follows the naming rules: bramble_ or controller-runtime names, base units, _total on counters', () => {
  for (const [name, info] of Object.entries(catalog.metrics)) {
    assert.match(name, /^(bramble_|controller_runtime_|workqueue_|leader_election_)[a-z0-9_]+$/, name);
    assert.equal(name.endsWith('_total'), info.type === 'counter', `${name}: _total exactly on counters`);
    assert.ok(!/_(milliseconds|ms|kilobytes|megabytes|fahrenheit)$/.test(name), `${name} uses base units`);
  }
});

void test('controller-runtime and SSH metrics registered by the code match the catalog', () => {
  const registry = new Registry();
  createControllerMetrics(registry, { processMetrics: false });
  createSshMetrics(registry);
  let checked = 0;
  for (const [name, info] of Object.entries(catalog.metrics)) {
    if (name.startsWith('bramble_node_') || /^bramble_(slurm|gluster|minio)_/.test(name)) continue;
    const metric = registry.getSingleMetric(name) as unknown as { labelNames: string[]; constructor: { name: string } } | undefined;
    assert.ok(metric, `${name} is in the catalog but no code registers it`);
    assert.equal(metric.constructor.name.toLowerCase(), info.type, `${name} type`);
    assert.deepEqual([...metric.labelNames].sort(), [...info.labels].sort(), `${name} labels`);
    checked += 1;
  }
  assert.ok(checked >= 8, `checked ${checked}`);
});

void test("PiNode gauges match the catalog, and the throttling flags are the firmware's", () => {
  const samples = piNodeGaugeSamples('lab', 'pi1', {
    conditions: ['Reachable', 'PowerHealthy', 'StorageHealthy'].map((type) => ({
      type,
      status: 'True',
      reason: 'Connected',
      message: '',
      lastTransitionTime: '2026-01-01T00:00:00Z',
    })),
    facts: {
      temperatureCelsius: 50,
      throttled: '0x0',
      throttledFlags: [],
      memoryBytes: 1,
      diskBytes: 2,
      diskFreeBytes: 1,
      load1: 0.1,
      health: {
        underVoltageMessages: 0,
        readOnlyMounts: [],
        ext4Errors: 0,
        bytesWrittenSinceBoot: 1,
        emmcLifeTimeLevel: 1,
        emmcPreEolLevel: 1,
      },
    },
    health: {
      writesPerDayBytes: 1,
      history: [{ problem: 'UnderVoltage', firstSeen: '2026-01-01T00:00:00Z', lastSeen: '2026-01-01T00:00:00Z', boots: 1, lastBoot: 'b' }],
    },
  } as Parameters<typeof piNodeGaugeSamples>[2]);
  const produced = new Map<string, string[]>();
  for (const s of samples) produced.set(s.name, Object.keys(s.labels).sort());
  const nodeMetrics = Object.keys(catalog.metrics).filter((n) => n.startsWith('bramble_node_') && catalog.metrics[n]!.type === 'gauge');
  assert.deepEqual([...produced.keys()].sort(), nodeMetrics.sort());
  for (const name of nodeMetrics) assert.deepEqual(produced.get(name), [...catalog.metrics[name]!.labels].sort(), `${name} labels`);
  assert.deepEqual([...catalog.throttledFlags].sort(), [...throttledFlagNames].sort());
});

void test('the PiNode boots counter matches the catalog', async () => {
  const registry = new Registry();
  createNodeBootsCounter(registry).statusChanged('lab', 'pi1', undefined, { facts: { bootId: '11111111-2222-4333-8444-555555555555' } });
  const [metric] = await registry.getMetricsAsJSON();
  const info = catalog.metrics[metric?.name ?? ''];
  assert.equal(info?.type, 'counter', `${metric?.name} is in the catalog as a counter`);
  assert.deepEqual(Object.keys(metric?.values[0]?.labels ?? {}).sort(), [...info.labels].sort());
});
