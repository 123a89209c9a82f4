// The one validate → observe → plan the reconciler and `bramble plan` share: refusals send
// nothing, a plan costs one read-only exec, and transport failures come back as outcomes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UnreachableError } from '../../ssh/errors.ts';
import { randomNonce } from '../shared/run.ts';
import { describeNotPlanned, failedExec, observeAndPlan } from './observe-and-plan.ts';
import { ObserveFailedError } from './observe.ts';
import { context, convergedPi, FakePi, fakeHostKey, freshPi, node, t0 } from './fake-pi.test-support.ts';

const look = (pi: FakePi, obj = node(), secret?: null) => {
  const ctx = secret === null ? context(pi.executor, t0, null) : context(pi.executor, t0);
  return observeAndPlan(obj, ctx.view, ctx.executor, randomNonce);
};

void test('a fresh Pi is observed once and planned, nothing applied', async () => {
  const pi = new FakePi(freshPi());
  const out = await look(pi);
  assert.equal(out.outcome, 'planned');
  assert.deepEqual(out.outcome === 'planned' && out.plan.map((s) => s.name), [
    'hostname',
    'etc-hosts',
    'timezone',
    'packages',
    'user:alice',
    'authorized-keys:alice',
  ]);
  assert.equal(out.outcome === 'planned' && out.hostKey, fakeHostKey);
  assert.equal(pi.calls.length, 1);
  assert.equal(pi.applies.length, 0);
});

void test('a converged Pi plans nothing', async () => {
  const out = await look(new FakePi(convergedPi()));
  assert.deepEqual(out.outcome === 'planned' && out.plan, []);
});

void test('an invalid spec, a missing Secret and a lockout are refused before anything is sent', async () => {
  const pi = new FakePi(freshPi());
  const invalid = await look(pi, node({ hostname: 'Not_A_Host;reboot' }));
  assert.equal(invalid.outcome === 'refused' && invalid.reason, 'InvalidSpec');
  const noSecret = await look(pi, node(), null);
  assert.equal(noSecret.outcome === 'noTarget' && noSecret.reason, 'SecretNotFound');
  const lockout = await look(pi, node({ users: [{ name: 'pi', shell: '/usr/sbin/nologin' }] }));
  assert.equal(lockout.outcome, 'refused');
  assert.match(lockout.outcome === 'refused' ? describeNotPlanned(lockout) : '', /^WouldLockOut: .*shell \/usr\/sbin\/nologin cannot run/);
  assert.equal(pi.calls.length, 0);
});

void test('a Pi that cannot be reached is an outcome with its reason; anything else is thrown again', async () => {
  const pi = new FakePi(freshPi());
  pi.throws = new UnreachableError('10.0.0.11:22', 'connect ECONNREFUSED 10.0.0.11:22');
  const out = await look(pi);
  assert.equal(out.outcome, 'unreachable');
  assert.equal(out.outcome === 'unreachable' && describeNotPlanned(out), 'Unreachable: connect ECONNREFUSED 10.0.0.11:22');
  assert.deepEqual(failedExec(new ObserveFailedError('cut', fakeHostKey, 'ObserveOutputTooLarge')), {
    outcome: 'observeFailed',
    reason: 'ObserveOutputTooLarge',
    message: 'cut',
    hostKey: fakeHostKey,
  });
  assert.throws(() => failedExec(new TypeError('a bug')), TypeError);
});
