import { test } from 'node:test';
import assert from 'node:assert/strict';
import { piNodeGaugeSamples } from './metrics.ts';
import type { PiNodeStatus } from './pinode-types.ts';

const status: PiNodeStatus = {
  conditions: [{ type: 'Reachable', status: 'True', reason: 'Connected', message: '', lastTransitionTime: '2026-01-01T00:00:00Z' }],
  facts: {
    temperatureCelsius: 47.236,
    throttled: '0x50005',
    throttledFlags: ['under-voltage-now', 'throttled-now', 'under-voltage-occurred', 'throttled-occurred'],
    memoryBytes: 968052736,
    diskBytes: 31086948352,
    diskFreeBytes: 25974124544,
    load1: 0.31,
  },
};

void test('facts become gauges with bounded labels', () => {
  const samples = piNodeGaugeSamples('lab', 'pi1', status);
  const value = (name: string, flag?: string) =>
    samples.find((s) => s.name === name && (flag === undefined || s.labels.flag === flag))?.value;
  assert.equal(value('bramble_node_up'), 1);
  assert.equal(value('bramble_node_temperature_celsius'), 47.236);
  assert.equal(value('bramble_node_memory_bytes'), 968052736);
  assert.equal(value('bramble_node_disk_bytes'), 31086948352);
  assert.equal(value('bramble_node_disk_free_bytes'), 25974124544);
  assert.equal(value('bramble_node_load1'), 0.31);
  assert.equal(value('bramble_node_throttled', 'under-voltage-now'), 1);
  assert.equal(value('bramble_node_throttled', 'soft-temp-limit-now'), 0);
  assert.equal(samples.filter((s) => s.name === 'bramble_node_throttled').length, 8, 'every flag, 0 or 1');
  for (const s of samples) {
    const extra = s.name === 'bramble_node_throttled' ? ['flag'] : [];
    assert.deepEqual(Object.keys(s.labels).sort(), ['namespace', 'pinode', ...extra].sort());
  }
});

void test('an unreachable node without facts reports only that it is down', () => {
  const samples = piNodeGaugeSamples('lab', 'pi2', undefined);
  assert.deepEqual(
    samples.map((s) => [s.name, s.value]),
    [['bramble_node_up', 0]],
  );
});
