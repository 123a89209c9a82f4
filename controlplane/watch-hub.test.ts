import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchHub, type ChangeEvent } from './watch-hub.ts';

function change(rv: number): ChangeEvent {
  return {
    type: 'ADDED',
    resourceVersion: rv,
    storageKey: '/configmaps',
    namespace: 'default',
    object: { metadata: { name: `cm${rv}`, resourceVersion: String(rv) } },
  };
}

void test('resuming inside the retained window returns exactly the later changes', () => {
  const hub = new WatchHub(3, 10);
  for (const rv of [11, 12, 13]) hub.publish(change(rv));
  assert.deepEqual(
    hub.since(10)?.map((e) => e.resourceVersion),
    [11, 12, 13],
  );
  assert.deepEqual(
    hub.since(12)?.map((e) => e.resourceVersion),
    [13],
  );
});

void test('a version older than what is retained is refused, so the client relists', () => {
  const hub = new WatchHub(3, 10);
  for (const rv of [11, 12, 13, 14, 15]) hub.publish(change(rv));
  assert.equal(hub.since(11), undefined);
  assert.deepEqual(
    hub.since(12)?.map((e) => e.resourceVersion),
    [13, 14, 15],
  );
  assert.equal(hub.since(9), undefined);
});

void test('after a restart nothing older than the starting version can be resumed', () => {
  const hub = new WatchHub(100, 50);
  assert.equal(hub.since(49), undefined);
  assert.deepEqual(hub.since(50), []);
});

void test('listeners receive every change until they unsubscribe', () => {
  const hub = new WatchHub(2, 0);
  const seen: number[] = [];
  const off = hub.subscribe((e) => seen.push(e.resourceVersion));
  hub.publish(change(1));
  off();
  hub.publish(change(2));
  assert.deepEqual(seen, [1]);
  assert.equal(hub.watcherCount(), 0);
});
