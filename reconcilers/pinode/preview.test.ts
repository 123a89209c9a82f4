import { test } from 'node:test';
import assert from 'node:assert/strict';
import { previewPiNode } from './preview.ts';
import { context, FakePi, freshPi, node, t0 } from './fake-pi.test-support.ts';

void test('a preview observes once and applies nothing, even for an unpaused PiNode', async () => {
  const pi = new FakePi(freshPi());
  const result = await previewPiNode(node({ paused: false }), context(pi.executor, t0));
  assert.equal(pi.calls.length, 1);
  assert.equal(pi.applies.length, 0);
  assert.deepEqual(result.status.pendingSteps?.map((s) => s.name), ['hostname', 'etc-hosts', 'timezone', 'packages', 'user:alice', 'authorized-keys:alice']);
});
