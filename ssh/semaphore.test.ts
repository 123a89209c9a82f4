import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Semaphore } from './semaphore.ts';

void test('never more than the limit hold a slot, and every waiter gets one in order', async () => {
  const semaphore = new Semaphore(3);
  const order: number[] = [];
  let holding = 0;
  let most = 0;
  await Promise.all(
    Array.from({ length: 10 }, async (_, i) => {
      const release = await semaphore.acquire();
      order.push(i);
      holding++;
      most = Math.max(most, holding);
      await new Promise((resolve) => setImmediate(resolve));
      holding--;
      release();
    }),
  );
  assert.equal(most, 3);
  assert.equal(semaphore.highWater, 3);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(semaphore.inUse, 0);
});

void test('releasing twice frees one slot only', async () => {
  const semaphore = new Semaphore(1);
  const release = await semaphore.acquire();
  release();
  release();
  await semaphore.acquire();
  assert.equal(semaphore.inUse, 1);
  let second = false;
  void semaphore.acquire().then(() => (second = true));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(second, false);
  assert.equal(semaphore.waiting, 1);
});

void test('a limit below one is refused', () => {
  assert.throws(() => new Semaphore(0));
});
