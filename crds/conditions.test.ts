import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCondition, isConditionTrue, removeCondition, setCondition } from './conditions.ts';
import type { Condition } from './conditions.ts';

const t0 = new Date('2026-11-25T10:00:00.000Z');
const t1 = new Date('2026-11-25T11:00:00.000Z');

void test('setCondition adds a condition stamped now', () => {
  const out = setCondition([], { type: 'Ready', status: 'False', reason: 'Unreachable', message: 'no route', observedGeneration: 2 }, t0);
  assert.deepEqual(out, [
    {
      type: 'Ready',
      status: 'False',
      reason: 'Unreachable',
      message: 'no route',
      observedGeneration: 2,
      lastTransitionTime: t0.toISOString(),
    },
  ]);
});

void test('lastTransitionTime stays when the status does not change, moves when it does', () => {
  const first = setCondition([], { type: 'Ready', status: 'False', reason: 'Unreachable', message: 'a' }, t0);
  const same = setCondition(first, { type: 'Ready', status: 'False', reason: 'HostKeyMismatch', message: 'b' }, t1);
  assert.equal(same[0]?.lastTransitionTime, t0.toISOString());
  assert.equal(same[0]?.reason, 'HostKeyMismatch');
  const flipped = setCondition(same, { type: 'Ready', status: 'True', reason: 'Healthy', message: 'ok' }, t1);
  assert.equal(flipped[0]?.lastTransitionTime, t1.toISOString());
});

void test('setCondition never mutates its input and keeps the order of other conditions', () => {
  const input: Condition[] = [
    { type: 'Reachable', status: 'True', reason: 'Answered', message: '', lastTransitionTime: t0.toISOString() },
    { type: 'Ready', status: 'False', reason: 'X', message: '', lastTransitionTime: t0.toISOString() },
  ];
  const copy = structuredClone(input);
  const out = setCondition(input, { type: 'Ready', status: 'True', reason: 'Y', message: '' }, t1);
  assert.deepEqual(input, copy);
  assert.deepEqual(
    out.map((c) => c.type),
    ['Reachable', 'Ready'],
  );
});

void test('kstatus: Reconciling and Stalled exist only while True', () => {
  let c = setCondition([], { type: 'Reconciling', status: 'True', reason: 'Applying', message: '3 steps' }, t0);
  assert.ok(isConditionTrue(c, 'Reconciling'));
  c = setCondition(c, { type: 'Reconciling', status: 'False', reason: 'Done', message: '' }, t1);
  assert.equal(findCondition(c, 'Reconciling'), undefined);
  c = setCondition(c, { type: 'Stalled', status: 'Unknown', reason: 'X', message: '' }, t1);
  assert.equal(findCondition(c, 'Stalled'), undefined);
});

void test('removeCondition drops one type and keeps the rest', () => {
  const a = setCondition(
    setCondition([], { type: 'Ready', status: 'True', reason: 'A', message: '' }, t0),
    { type: 'Reachable', status: 'True', reason: 'B', message: '' },
    t0,
  );
  assert.deepEqual(
    removeCondition(a, 'Ready').map((c) => c.type),
    ['Reachable'],
  );
});
