import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventDeduper } from './event-dedup.ts';
import { toMicroTime } from './micro-time.ts';

void test('repeats within the window update one Event with a growing count', () => {
  const d = new EventDeduper({ windowMs: 60_000, updateIntervalMs: 0 });
  const key = EventDeduper.key('uid-1', 'Warning', 'SshFailed', 'connection refused');
  assert.deepEqual(d.observe(key, 0), { action: 'create', count: 1 });
  d.created(key, 'n1.abc');
  assert.deepEqual(d.observe(key, 1000), { action: 'update', count: 2, name: 'n1.abc' });
  assert.deepEqual(d.observe(key, 2000), { action: 'update', count: 3, name: 'n1.abc' });
  const other = EventDeduper.key('uid-1', 'Warning', 'SshFailed', 'timeout');
  assert.equal(d.observe(other, 2000).action, 'create', 'a different message is a different Event');
});

void test('a repeat after the window starts a new Event; updates are rate limited', () => {
  const d = new EventDeduper({ windowMs: 10_000, updateIntervalMs: 5_000 });
  const key = EventDeduper.key('u', 'Warning', 'R', 'm');
  d.observe(key, 0);
  d.created(key, 'e1');
  assert.equal(d.observe(key, 1000).action, 'skip');
  assert.deepEqual(d.observe(key, 6000), { action: 'update', count: 3, name: 'e1' });
  assert.equal(d.observe(key, 17_000).action, 'create');
});

void test('a repeat before the first Event was created is counted, not sent twice', () => {
  const d = new EventDeduper({ windowMs: 10_000, updateIntervalMs: 0 });
  const key = EventDeduper.key('u', 'Normal', 'R', 'm');
  d.observe(key, 0);
  assert.equal(d.observe(key, 1).action, 'skip');
});

void test('MicroTime has six fractional digits', () => {
  assert.equal(toMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
});
