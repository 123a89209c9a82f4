import { test } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from './backoff.ts';
import { FakeClock } from './fake-clock.ts';
import { WorkQueue } from './work-queue.ts';

function counting() {
  const c = { depth: 0, adds: 0, retries: 0, queued: 0, worked: 0 };
  return {
    c,
    metrics: {
      depth: (d: number) => (c.depth += d),
      added: () => (c.adds += 1),
      queued: () => (c.queued += 1),
      worked: () => (c.worked += 1),
      retried: () => (c.retries += 1),
    },
  };
}

void test('adds of a waiting key coalesce into one item', async () => {
  const { c, metrics } = counting();
  const q = new WorkQueue({ metrics });
  for (let i = 0; i < 100; i++) q.add('ns/a');
  q.add('ns/b');
  assert.equal(q.length, 2);
  assert.equal(c.depth, 2);
  assert.equal(c.adds, 2);
  assert.equal(await q.get(), 'ns/a');
  assert.equal(await q.get(), 'ns/b');
  assert.equal(c.depth, 0);
});

void test('a key being processed is not handed out again until done, then comes back once', async () => {
  const q = new WorkQueue();
  q.add('k');
  const first = await q.get();
  assert.equal(first, 'k');
  q.add('k');
  q.add('k');
  assert.equal(q.length, 0, 'held back while processing');
  let second: string | undefined;
  void q.get().then((k) => (second = k));
  await new Promise((r) => setImmediate(r));
  assert.equal(second, undefined);
  q.done('k');
  await new Promise((r) => setImmediate(r));
  assert.equal(second, 'k');
  q.done('k');
  assert.equal(q.length, 0);
});

void test('addAfter fires on the clock and the earliest pending delay wins', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  q.addAfter('k', 1000);
  q.addAfter('k', 5000);
  q.addAfter('k', 300);
  await clock.advance(299);
  assert.equal(q.length, 0);
  await clock.advance(1);
  assert.equal(q.length, 1);
  await clock.advance(10_000);
  assert.equal(q.length, 1, 'the later delays were dropped');
});

void test('a key taken for processing drops its pending delayed add', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  q.addAfter('k', 1000);
  q.add('k');
  assert.equal(await q.get(), 'k');
  q.done('k');
  await clock.advance(5000);
  assert.equal(q.length, 0, 'the delayed add was superseded by the run that just happened');
  q.addAfter('k', 1000);
  await clock.advance(1000);
  assert.equal(q.length, 1, 'a delayed add scheduled after the run still fires');
});

void test('failures back off exponentially per key, count retries, and forget resets', async () => {
  const clock = new FakeClock();
  const { c, metrics } = counting();
  const backoff = { baseMs: 100, capMs: 1000 };
  const q = new WorkQueue({ clock, backoff, metrics });
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    delays.push(q.addRateLimited('k'));
    await clock.advance(delays[i] as number);
    assert.equal(await q.get(), 'k');
    q.done('k');
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1000, 1000]);
  assert.equal(c.retries, 6);
  assert.equal(q.addRateLimited('other'), 100, 'backoff is per key');
  q.forget('k');
  assert.equal(q.numRequeues('k'), 0);
  assert.equal(q.addRateLimited('k'), 100);
});

void test('backoffDelay follows base·2^(n-1) up to the cap', () => {
  const p = { baseMs: 5, capMs: 60_000 };
  assert.equal(backoffDelay(p, 0), 0);
  assert.equal(backoffDelay(p, 1), 5);
  assert.equal(backoffDelay(p, 4), 40);
  assert.equal(backoffDelay(p, 200), 60_000);
});

void test('shutDown wakes waiting workers with undefined and drops delayed adds', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  const waiting = q.get();
  q.addAfter('later', 100);
  q.shutDown();
  assert.equal(await waiting, undefined);
  await clock.advance(200);
  assert.equal(q.length, 0);
  assert.equal(clock.pendingTimers, 0);
  q.add('x');
  assert.equal(await q.get(), undefined);
});
