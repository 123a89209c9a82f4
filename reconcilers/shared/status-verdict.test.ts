import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Condition } from '../../crds/conditions.ts';
import { conditionsFor, statusWith, type StatusContext } from './status-verdict.ts';

interface Status {
  conditions?: Condition[];
  observedGeneration?: number;
  pendingSteps?: string[];
  note?: string;
}

const t0 = new Date('2026-12-01T10:00:00.000Z');
const t1 = new Date('2026-12-01T11:00:00.000Z');
const ctx = (previous: Status | undefined, now = t0): StatusContext<Status> => ({ previous, now, generation: 3 });
const summary = (conditions: Condition[]) => conditions.map((c) => [c.type, c.status, c.reason]);

void test("a kind's own conditions come first, in the order given, then Ready and the kstatus ones", () => {
  const out = conditionsFor(ctx(undefined), {
    own: { Reachable: ['True', 'Connected', 'ok'], Configured: ['False', 'StepFailed', 'boom'] },
    ready: ['False', 'StepFailed', 'boom'],
    stalled: ['StepFailed', 'boom'],
  });
  assert.deepEqual(summary(out), [
    ['Reachable', 'True', 'Connected'],
    ['Configured', 'False', 'StepFailed'],
    ['Ready', 'False', 'StepFailed'],
    ['Stalled', 'True', 'StepFailed'],
  ]);
  assert.ok(out.every((c) => c.observedGeneration === 3 && c.lastTransitionTime === t0.toISOString()));
});

void test('an own condition the verdict leaves out keeps what it said; Reconciling and Stalled go when not given', () => {
  const before = conditionsFor(ctx(undefined), {
    own: { Reachable: ['True', 'Connected', 'ok'], Configured: ['True', 'InSync', 'matches'] },
    ready: ['True', 'Ready', 'ok'],
    reconciling: ['Retrying', 'again'],
  });
  const after = conditionsFor(ctx({ conditions: before }, t1), {
    own: { Configured: ['False', 'InvalidSpec', 'bad'] },
    ready: ['False', 'InvalidSpec', 'bad'],
  });
  assert.deepEqual(summary(after), [
    ['Reachable', 'True', 'Connected'],
    ['Configured', 'False', 'InvalidSpec'],
    ['Ready', 'False', 'InvalidSpec'],
  ]);
  assert.equal(after[0]?.lastTransitionTime, t0.toISOString(), 'untouched, so its transition time stays');
  assert.equal(after[1]?.lastTransitionTime, t1.toISOString(), 'its status changed');
});

void test('statusWith lays the new fields over the previous status and keeps pendingSteps only when given', () => {
  const previous: Status = { note: 'kept', pendingSteps: ['hostname'] };
  const dropped = statusWith(ctx(previous), { ready: ['True', 'Ready', 'ok'] }, {});
  assert.equal(dropped.note, 'kept');
  assert.equal(dropped.observedGeneration, 3);
  assert.equal('pendingSteps' in dropped, false);
  const given = statusWith(ctx(previous), { ready: ['False', 'Paused', 'paused'] }, { pendingSteps: ['timezone'] });
  assert.deepEqual(given.pendingSteps, ['timezone']);
});
