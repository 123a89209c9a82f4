import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withKeyLock } from './key-lock.ts';

void test('converges of one cluster run one after the other; other clusters do not wait', async () => {
  const order: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const first = withKeyLock('lab/a', async () => {
    order.push('a1 start');
    await gate;
    order.push('a1 end');
  });
  const second = withKeyLock('lab/a', async () => {
    order.push('a2');
  });
  await withKeyLock('lab/b', async () => {
    order.push('b');
  });
  release();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['a1 start', 'b', 'a1 end', 'a2']);
});

void test('a failure releases the lock for the next one', async () => {
  await assert.rejects(
    withKeyLock('lab/c', async () => {
      throw new Error('boom');
    }),
  );
  assert.equal(await withKeyLock('lab/c', async () => 42), 42);
});
