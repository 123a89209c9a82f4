import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createSshMetrics } from './prometheus-observer.ts';

void test('commands and errors show up under bramble_ names with bounded labels', async () => {
  const registry = new Registry();
  const observer = createSshMetrics(registry);
  observer.onCommand(0.2, 'success');
  observer.onCommand(7, 'timeout');
  observer.onError('CommandTimeout');
  const text = await registry.metrics();
  assert.match(text, /^bramble_ssh_command_duration_seconds_count\{outcome="success"\} 1$/m);
  assert.match(text, /^bramble_ssh_command_duration_seconds_bucket\{le="10",outcome="timeout"\} 1$/m);
  assert.match(text, /^bramble_ssh_command_duration_seconds_bucket\{le="5",outcome="timeout"\} 0$/m);
  assert.match(text, /^bramble_ssh_errors_total\{reason="CommandTimeout"\} 1$/m);
  // Series exist before anything happened, at zero.
  assert.match(text, /^bramble_ssh_errors_total\{reason="HostKeyMismatch"\} 0$/m);
  assert.match(text, /^bramble_ssh_command_duration_seconds_count\{outcome="error"\} 0$/m);
});
