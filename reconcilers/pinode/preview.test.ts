// The PiNode kind's validate → observe → plan, as the engine's preview runs them for `bramble plan`
// and before every apply: refusals send nothing, a plan costs one read-only exec, and transport
// failures come back as results with their reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnreachableError } from '../../ssh/errors.ts';
import { stoppedBecause } from '../../cli/plan/kind-plan.ts';
import { previewKind } from '../shared/engine.ts';
import { findCondition } from '../../crds/conditions.ts';
import { failedExec } from './not-planned.ts';
import { ObserveFailedError } from './observe.ts';
import { piNodeKind } from './reconciler.ts';
import { context, convergedPi, FakePi, fakeHostKey, freshPi, node, t0 } from './fake-pi.test-support.ts';

const look = (pi: FakePi, obj = node(), secret?: null) => {
  const ctx = secret === null ? context(pi.executor, t0, null) : context(pi.executor, t0);
  return previewKind(piNodeKind(), obj, ctx);
};

/** The reason of a stopped preview's condition, e.g. Configured's InvalidSpec. */
const reasonOf = (out: Awaited<ReturnType<typeof look>>, type: string) =>
  'stopped' in out ? findCondition(out.stopped.status.conditions, type)?.reason : undefined;

void test('a fresh Pi is observed once and planned, nothing applied', async () => {
  const pi = new FakePi(freshPi());
  const out = await look(pi);
  assert.ok('planned' in out);
  assert.deepEqual('planned' in out && out.planned.steps.map((s) => s.name), [
    'hostname',
    'etc-hosts',
    'timezone',
    'packages',
    'user:alice',
    'authorized-keys:alice',
  ]);
  assert.equal('planned' in out && out.observed.hostKey, fakeHostKey);
  assert.equal(pi.calls.length, 1);
  assert.equal(pi.applies.length, 0);
});

void test('a converged Pi plans nothing', async () => {
  const out = await look(new FakePi(convergedPi()));
  assert.deepEqual('planned' in out && out.planned.steps, []);
});

void test('an invalid spec, a missing Secret and a lockout are refused before anything is sent', async () => {
  const pi = new FakePi(freshPi());
  const invalid = await look(pi, node({ hostname: 'Not_A_Host;reboot' }));
  assert.equal(reasonOf(invalid, 'Configured'), 'InvalidSpec');
  const noSecret = await look(pi, node(), null);
  assert.equal(reasonOf(noSecret, 'Reachable'), 'SecretNotFound');
  const lockout = await look(pi, node({ users: [{ name: 'pi', shell: '/usr/sbin/nologin' }] }));
  assert.equal(reasonOf(lockout, 'Configured'), 'WouldLockOut');
  assert.match('stopped' in lockout ? stoppedBecause(lockout.stopped) : '', /^WouldLockOut: .*shell \/usr\/sbin\/nologin cannot run/);
  assert.equal(pi.calls.length, 0);
});

void test('a Pi that cannot be reached is a result with its reason; anything else is thrown again', async () => {
  const pi = new FakePi(freshPi());
  pi.throws = new UnreachableError('10.0.0.11:22', 'connect ECONNREFUSED 10.0.0.11:22');
  const out = await look(pi);
  assert.equal(reasonOf(out, 'Reachable'), 'Unreachable');
  assert.equal('stopped' in out && stoppedBecause(out.stopped), 'Unreachable: connect ECONNREFUSED 10.0.0.11:22');
  assert.deepEqual(failedExec(new ObserveFailedError('cut', fakeHostKey, 'ObserveOutputTooLarge')), {
    outcome: 'observeFailed',
    reason: 'ObserveOutputTooLarge',
    message: 'cut',
    hostKey: fakeHostKey,
  });
  assert.throws(() => failedExec(new TypeError('a bug')), TypeError);
});
