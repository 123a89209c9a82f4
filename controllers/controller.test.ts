import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Controller } from './controller.ts';
import { createLogger } from './logger.ts';

const quiet = createLogger({ level: 'error', write: () => {} });
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

void test('workers stay within the concurrency bound and never run one key twice at once', async () => {
  const running = new Set<string>();
  let peak = 0;
  let overlaps = 0;
  const seen: string[] = [];
  const c = new Controller({
    name: 't',
    concurrency: 3,
    log: quiet,
    reconcile: async (key) => {
      if (running.has(key)) overlaps += 1;
      running.add(key);
      peak = Math.max(peak, running.size);
      seen.push(key);
      await tick(5);
      running.delete(key);
    },
  });
  c.start();
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 10; i++) c.enqueue(`ns/k${i}`);
    await tick(2);
  }
  while (c.queue.length > 0 || c.queue.inFlight > 0) await tick(5);
  assert.equal(overlaps, 0);
  assert.equal(peak, 3);
  assert.ok(seen.length >= 10 && seen.length < 50, `coalesced to ${seen.length} reconciles`);
  assert.ok(await c.stop(1000));
});

void test('an error is retried with backoff until it succeeds', async () => {
  let calls = 0;
  const c = new Controller({
    name: 't',
    log: quiet,
    backoff: { baseMs: 5, capMs: 50 },
    reconcile: async () => {
      calls += 1;
      if (calls < 4) throw new Error('not yet');
    },
  });
  c.start();
  c.enqueue('ns/a');
  for (let i = 0; i < 100 && calls < 4; i++) await tick(10);
  assert.equal(calls, 4);
  assert.equal(c.queue.numRequeues('ns/a'), 0, 'success forgets the failures');
  await c.stop(1000);
});

void test('stop waits for in-flight work within the timeout, then abandons it', async () => {
  let finished = false;
  const c = new Controller({
    name: 't',
    log: quiet,
    reconcile: async () => {
      await tick(50);
      finished = true;
    },
  });
  c.start();
  c.enqueue('ns/a');
  await tick(5);
  assert.equal(await c.stop(2000), true);
  assert.equal(finished, true);

  const slow = new Controller({
    name: 's',
    log: quiet,
    reconcile: async () => {
      await tick(500);
    },
  });
  slow.start();
  slow.enqueue('ns/b');
  await tick(5);
  assert.equal(await slow.stop(20), false);
});
