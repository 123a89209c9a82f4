import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryDelayMs } from './retry-delay.ts';

const policy = { minMs: 10_000, maxMs: 300_000 };
const now = new Date('2026-01-01T12:00:00Z');

void test('a fresh failure waits the minimum, a long one the maximum', () => {
  assert.equal(retryDelayMs(now.toISOString(), now, policy), 10_000);
  assert.equal(retryDelayMs(undefined, now, policy), 10_000);
  assert.equal(retryDelayMs('2026-01-01T11:00:00Z', now, policy), 300_000);
});

void test('in between, the delay equals how long it has been failing (so it doubles)', () => {
  const failingSince = now.getTime();
  let t = now.getTime();
  const delays: number[] = [];
  for (let i = 0; i < 5; i++) {
    const d = retryDelayMs(new Date(failingSince).toISOString(), new Date(t), policy);
    delays.push(d);
    t += d;
  }
  assert.deepEqual(delays, [10_000, 10_000, 20_000, 40_000, 80_000]);
});
