import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.ts';

void test('backoff doubles from the initial delay and stops at the cap', () => {
  const policy = { initialMs: 100, maxMs: 1000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5, 100].map((n) => backoffDelay(n, policy)),
    [0, 100, 200, 400, 800, 1000, 1000],
  );
});
