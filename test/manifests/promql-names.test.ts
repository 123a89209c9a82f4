import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promqlNames } from './promql-names.ts';

void test('finds metrics, matchers and grouping labels, not functions or keywords', () => {
  const n = promqlNames(
    'histogram_quantile(0.99, sum by (controller, le) (rate(controller_runtime_reconcile_time_seconds_bucket{controller!="x"}[5m])))',
  );
  assert.deepEqual(n.metrics, ['controller_runtime_reconcile_time_seconds_bucket']);
  assert.deepEqual(n.groupingLabels, ['controller', 'le']);
  assert.deepEqual(n.matchers, [{ label: 'controller', op: '!=', value: 'x' }]);
});

void test('binary expressions yield both sides; strings and durations are not names', () => {
  const n = promqlNames(
    '1 - bramble_node_disk_free_bytes{namespace=~"$namespace", flag="a b"} / on (pinode) bramble_node_disk_bytes offset 5m > bool 0.1',
  );
  assert.deepEqual(n.metrics.sort(), ['bramble_node_disk_bytes', 'bramble_node_disk_free_bytes']);
  assert.deepEqual(n.groupingLabels, ['pinode']);
  assert.deepEqual(
    n.matchers.map((m) => m.label),
    ['namespace', 'flag'],
  );
});
