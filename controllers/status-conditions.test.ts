import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../crds/conditions.ts';
import { createMergePatch } from './merge-patch.ts';
import { desiredStatus } from './status-conditions.ts';

const t0 = '2026-01-01T00:00:00.000Z';
const later = new Date('2026-01-02T00:00:00.000Z');
const cond = (type: string, status: Condition['status'], at = later.toISOString()): Condition => ({
  type,
  status,
  reason: 'R',
  message: 'm',
  lastTransitionTime: at,
});

void test('observedGeneration is filled on status and on each condition', () => {
  const s = desiredStatus({ conditions: [cond('Ready', 'True')] }, undefined, 7, later);
  assert.equal(s.observedGeneration, 7);
  assert.equal(s.conditions?.[0]?.observedGeneration, 7);
});

void test('Reconciling and Stalled are dropped unless True', () => {
  const s = desiredStatus(
    { conditions: [cond('Ready', 'True'), cond('Reconciling', 'False'), cond('Stalled', 'Unknown')] },
    undefined,
    1,
    later,
  );
  assert.deepEqual(
    s.conditions?.map((c) => c.type),
    ['Ready'],
  );
  const t = desiredStatus({ conditions: [cond('Stalled', 'True')] }, undefined, 1, later);
  assert.deepEqual(
    t.conditions?.map((c) => c.type),
    ['Stalled'],
  );
});

void test('an unchanged condition keeps its transition time, so the status write is skipped', () => {
  const current = { observedGeneration: 3, conditions: [{ ...cond('Ready', 'True', t0), observedGeneration: 3 }] };
  const next = desiredStatus({ conditions: [cond('Ready', 'True')] }, current, 3, later);
  assert.equal(next.conditions?.[0]?.lastTransitionTime, t0);
  assert.equal(createMergePatch(current, next), undefined);
  const flipped = desiredStatus({ conditions: [cond('Ready', 'False')] }, current, 3, later);
  assert.equal(flipped.conditions?.[0]?.lastTransitionTime, later.toISOString());
  assert.notEqual(createMergePatch(current, flipped), undefined);
});
