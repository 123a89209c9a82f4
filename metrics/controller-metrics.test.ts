import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createControllerMetrics } from './controller-metrics.ts';
import { startMetricsServer } from './metrics-server.ts';
import { promtoolAvailable, promtoolCheckMetrics } from './promtool.ts';

void test('served /metrics carries controller-runtime names and passes promtool check metrics', async () => {
  assert.ok(promtoolAvailable(), 'promtool missing: run scripts/setup.sh (installs the prometheus package)');
  const registry = new Registry();
  const m = createControllerMetrics(registry);
  const q = m.queue('pinode');
  q.added();
  q.depth(1);
  q.queued(0.002);
  q.worked(0.01);
  q.retried();
  const r = m.reconcile('pinode');
  r.maxConcurrent(4);
  r.reconciled('success', 0.02);
  r.reconciled('error', 0.5);
  m.leader('bramble-operator', true);

  const server = await startMetricsServer(registry, '127.0.0.1:0');
  try {
    const res = await fetch(`http://127.0.0.1:${server.port}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    for (const line of [
      'controller_runtime_reconcile_total{controller="pinode",result="success"} 1',
      'controller_runtime_reconcile_total{controller="pinode",result="error"} 1',
      'controller_runtime_reconcile_errors_total{controller="pinode"} 1',
      'controller_runtime_reconcile_time_seconds_count{controller="pinode"} 2',
      'controller_runtime_active_workers{controller="pinode"} 0',
      'controller_runtime_max_concurrent_reconciles{controller="pinode"} 4',
      'workqueue_depth{name="pinode"} 1',
      'workqueue_adds_total{name="pinode"} 1',
      'workqueue_queue_duration_seconds_count{name="pinode"} 1',
      'workqueue_work_duration_seconds_count{name="pinode"} 1',
      'workqueue_retries_total{name="pinode"} 1',
      'leader_election_master_status{name="bramble-operator"} 1',
    ]) {
      assert.ok(body.includes(line), `missing: ${line}`);
    }
    assert.match(body, /^process_cpu_seconds_total /m);
    const check = promtoolCheckMetrics(body);
    assert.ok(check.ok, `promtool findings:\n${check.findings}`);
  } finally {
    await server.close();
  }
});

void test('promtool does flag a badly named metric (the check can fail)', () => {
  assert.ok(promtoolAvailable());
  const bad = '# HELP requests_count A counter without _total\n# TYPE requests_count counter\nrequests_count 1\n';
  assert.equal(promtoolCheckMetrics(bad).ok, false);
});
