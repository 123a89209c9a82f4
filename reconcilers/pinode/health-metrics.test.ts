import { test } from 'node:test';
import assert from 'node:assert/strict';
import { piNodeHealthGaugeSamples } from './health-metrics.ts';
import { observedStatus } from './status.ts';

void test('health gauges from a status: condition as 1/0, facts, the estimate and boots per problem; nothing for what is unknown', () => {
  const status = observedStatus(
    { previous: undefined, now: new Date('2026-01-01T00:00:00Z'), generation: 1 },
    {
      facts: {
        bootId: '6f1c2a5e-3b7d-4e21-9a0c-5d8e7f6a1b2c',
        uptimeSeconds: 7200,
        throttled: '0x50000',
        throttledFlags: ['under-voltage-occurred'],
        health: { underVoltageMessages: 2, readOnlyMounts: [], ext4Errors: 0, bytesWrittenSinceBoot: 1_000_000 },
      },
      hostKey: 'ssh-ed25519 AAAA',
      pending: [],
      paused: false,
      applied: [],
    },
  );
  const got = piNodeHealthGaugeSamples('lab', 'pi1', status).map((s) => [s.name, s.labels.problem ?? '', s.value]);
  assert.deepEqual(got, [
    ['bramble_node_power_healthy', '', 0],
    ['bramble_node_storage_healthy', '', 1],
    ['bramble_node_under_voltage_messages', '', 2],
    ['bramble_node_read_only_mounts', '', 0],
    ['bramble_node_ext4_errors', '', 0],
    ['bramble_node_disk_written_bytes', '', 1_000_000],
    ['bramble_node_disk_written_bytes_per_day', '', 12_000_000],
    ['bramble_node_health_problem_boots', 'UnderVoltage', 1],
  ]);
  assert.deepEqual(piNodeHealthGaugeSamples('lab', 'pi1', undefined), []);
});
