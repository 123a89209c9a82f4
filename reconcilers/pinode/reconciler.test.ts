// The reconciler end to end with a fake Pi at the SSH edge (see fake-pi.test-support.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HostKeyMismatchError, UnreachableError } from '../../ssh/errors.ts';
import type { Executor } from '../../ssh/executor.ts';
import { piNodeReconciler } from './reconciler.ts';
import { condition, context, convergedPi, fakeHostKey, FakePi, freshPi, later, node, privateKey, t0 } from './fake-pi.test-support.ts';

void test('a fresh Pi converges in two round trips: one observe, one batched apply', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  assert.equal(pi.calls.length, 2);
  assert.equal(pi.applies.length, 1);
  assert.ok(pi.calls.every((c) => c.options.asRoot === true && c.command === 'sh -s'));
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason, e.message]),
    [
      ['Normal', 'HostKeyRecorded', `trusted host key on first use: ${fakeHostKey}`],
      ['Normal', 'HostnameSet', 'hostname was raspberrypi, set to pi1'],
      ['Normal', 'HostsFileUpdated', '/etc/hosts mapped 127.0.1.1 to raspberrypi, set to pi1'],
      ['Normal', 'TimezoneSet', 'timezone was Europe/London, set to Europe/Berlin'],
      ['Normal', 'PackagesInstalled', 'install missing packages: htop'],
      ['Normal', 'UserConfigured', 'create user alice (groups video)'],
      ['Normal', 'AuthorizedKeysWritten', 'write authorized keys of alice (1 key)'],
      // The fake Pi's firmware reports 0x50005 (health-conditions.ts).
      ['Warning', 'UnderVoltage', 'the firmware reports under-voltage now (get_throttled 0x50005); replace the power supply or cable'],
    ],
  );
  const s = result.status;
  assert.equal(s.observedGeneration, 3);
  assert.equal(s.hostKey, fakeHostKey);
  assert.equal(s.lastSeen, t0.toISOString());
  assert.deepEqual(s.pendingSteps, []);
  assert.equal(s.facts?.model, 'Raspberry Pi 4 Model B Rev 1.4');
  assert.equal(s.facts?.throttled, '0x50005');
  assert.deepEqual(
    ['Reachable', 'Configured', 'Ready'].map((t) => [t, condition(s, t)?.status, condition(s, t)?.reason]),
    [
      ['Reachable', 'True', 'Connected'],
      ['Configured', 'True', 'Applied'],
      ['Ready', 'True', 'Ready'],
    ],
  );
  assert.equal(condition(s, 'PowerHealthy')?.status, 'False', 'an under-volted Pi is unhealthy and still Ready');
  assert.equal(condition(s, 'Stalled'), undefined);
  assert.equal(condition(s, 'Reconciling'), undefined);
  assert.equal(result.requeueAfterMs, 5 * 60_000);
  assert.ok(!JSON.stringify(result).includes('b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ'), 'the private key is nowhere in the result');
});

void test('a resync of a converged Pi is exactly one exec and changes nothing', async () => {
  const pi = new FakePi(freshPi());
  const first = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  pi.state = convergedPi();
  pi.forgetCalls();
  const second = await piNodeReconciler.reconcile(node({}, first.status), context(pi.executor, later(5)));
  assert.equal(pi.calls.length, 1);
  assert.equal(pi.applies.length, 0);
  assert.deepEqual(second.events, []);
  assert.equal(condition(second.status, 'Configured')?.reason, 'InSync');
  assert.equal(condition(second.status, 'Ready')?.lastTransitionTime, t0.toISOString(), 'Ready did not transition');
  assert.deepEqual(pi.calls[0]?.target.hostKey, { policy: 'TrustOnFirstUse', known: fakeHostKey }, 'TOFU pins the recorded key');
});

void test('drift made by hand is corrected and reported as such', async () => {
  const pi = new FakePi(convergedPi());
  const settled = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  assert.equal(pi.applies.length, 0);
  pi.state = { ...convergedPi(), hostname: 'pi-manual' };
  pi.forgetCalls();
  const result = await piNodeReconciler.reconcile(node({}, settled.status), context(pi.executor, later(5)));
  assert.equal(pi.calls.length, 2);
  assert.deepEqual(
    result.events.map((e) => [e.reason, e.message]),
    [
      ['DriftCorrected', 'drift corrected: hostname was pi-manual, set to pi1'],
      ['DriftCorrected', 'drift corrected: /etc/hosts mapped 127.0.1.1 to pi-manual, set to pi1'],
    ],
  );
  assert.equal(condition(result.status, 'Ready')?.status, 'True');
});

void test('paused: observe only, the plan goes to pendingSteps, each pending change is reported once', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(node({ paused: true }), context(pi.executor, t0));
  assert.equal(pi.calls.length, 1);
  assert.equal(pi.applies.length, 0);
  assert.deepEqual(
    result.status.pendingSteps?.map((p) => p.name),
    ['hostname', 'etc-hosts', 'timezone', 'packages', 'user:alice', 'authorized-keys:alice'],
  );
  assert.equal(result.status.pendingSteps?.[0]?.description, 'hostname was raspberrypi, set to pi1');
  assert.deepEqual([condition(result.status, 'Configured')?.status, condition(result.status, 'Configured')?.reason], ['False', 'Paused']);
  assert.equal(condition(result.status, 'Ready')?.status, 'False');
  assert.deepEqual(result.events.filter((e) => e.reason === 'ChangePending').length, 6);
  assert.equal(
    result.events.find((e) => e.reason === 'ChangePending')?.message,
    'not applied (paused): hostname was raspberrypi, set to pi1',
  );

  const again = await piNodeReconciler.reconcile(node({ paused: true }, result.status), context(pi.executor, later(5)));
  assert.equal(pi.applies.length, 0);
  assert.deepEqual(again.events, [], 'the same pending steps are not reported again');
});

void test('a failed step stops the plan with a condition naming it and its masked stderr', async () => {
  const pi = new FakePi(freshPi());
  const keyLine = privateKey.split('\n')[1] as string;
  pi.failAt = { index: 4, code: 1, stderr: `group video does not exist on this host\ndebug: ${keyLine} password=hunter2` };
  const result = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  const configured = condition(result.status, 'Configured');
  assert.equal(configured?.status, 'False');
  assert.equal(configured?.reason, 'StepFailed');
  assert.match(configured?.message ?? '', /^step user:alice exited 1: group video does not exist on this host/);
  assert.ok(!configured?.message.includes(keyLine));
  assert.ok(!configured?.message.includes('hunter2'));
  assert.equal(condition(result.status, 'Stalled')?.status, 'True');
  assert.deepEqual(
    result.status.pendingSteps?.map((p) => p.name),
    ['user:alice', 'authorized-keys:alice'],
  );
  assert.deepEqual(
    result.events.filter((e) => e.type === 'Warning').map((e) => e.reason),
    ['UnderVoltage', 'StepFailed'],
  );
  assert.equal(
    result.events.filter((e) => e.type === 'Normal' && e.reason !== 'HostKeyRecorded').length,
    4,
    'the four steps before it were applied',
  );
  assert.equal(result.requeueAfterMs, 10_000);

  pi.state = { ...convergedPi(), users: { pi: { groups: ['sudo'], shell: '/bin/bash' } } };
  pi.failAt = { ...pi.failAt, index: 0 };
  const again = await piNodeReconciler.reconcile(node({}, result.status), context(pi.executor, later(2)));
  assert.deepEqual(
    again.status.pendingSteps?.map((p) => p.name),
    ['user:alice', 'authorized-keys:alice'],
    'only what is still missing',
  );
  assert.deepEqual(again.events, [], 'the same failure is not announced twice');
  assert.equal(again.requeueAfterMs, 120_000, 'failing for two minutes: wait two minutes');
});

void test('a missing Secret means no SSH at all', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(node(), context(pi.executor, t0, null));
  assert.equal(pi.calls.length, 0);
  const reachable = condition(result.status, 'Reachable');
  assert.deepEqual([reachable?.status, reachable?.reason], ['Unknown', 'SecretNotFound']);
  assert.match(reachable?.message ?? '', /default\/pi-key/);
  assert.equal(condition(result.status, 'Stalled')?.status, 'True');
  assert.equal(condition(result.status, 'Ready')?.status, 'False');
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'SecretNotFound']],
  );
});

void test('a Secret without ssh-privatekey is reported as invalid, with no SSH', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(
    node(),
    context(pi.executor, t0, { type: 'Opaque', data: { password: Buffer.from('x') } }),
  );
  assert.equal(pi.calls.length, 0);
  assert.equal(condition(result.status, 'Reachable')?.reason, 'SecretInvalid');
});

void test('a host key mismatch is reported, with a Warning, and nothing runs', async () => {
  const pi = new FakePi(freshPi());
  pi.throws = new HostKeyMismatchError('10.0.0.11:22', fakeHostKey, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIImpostor');
  const pinned = node({ ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-key' }, hostKeyPolicy: 'Pinned', hostKey: fakeHostKey } });
  const result = await piNodeReconciler.reconcile(pinned, context(pi.executor, t0));
  assert.equal(pi.calls.length, 1, 'one connection attempt; the executor sends nothing');
  assert.deepEqual(pi.calls[0]?.target.hostKey, { policy: 'Pinned', key: fakeHostKey });
  const reachable = condition(result.status, 'Reachable');
  assert.deepEqual([reachable?.status, reachable?.reason], ['False', 'HostKeyMismatch']);
  assert.equal(condition(result.status, 'Stalled')?.status, 'True');
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'HostKeyMismatch']],
  );
});

void test('an unreachable Pi is retried with growing delays and keeps its last facts', async () => {
  const pi = new FakePi(freshPi());
  const ok = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  pi.throws = new UnreachableError('10.0.0.11:22', 'connect ECONNREFUSED 10.0.0.11:22');
  const first = await piNodeReconciler.reconcile(node({}, ok.status), context(pi.executor, later(5)));
  assert.equal(condition(first.status, 'Reachable')?.reason, 'Unreachable');
  assert.equal(condition(first.status, 'Reconciling')?.status, 'True');
  assert.equal(first.status.facts?.model, 'Raspberry Pi 4 Model B Rev 1.4');
  assert.equal(first.status.lastSeen, t0.toISOString());
  assert.equal(first.requeueAfterMs, 10_000);
  assert.equal(first.events.length, 1);
  const second = await piNodeReconciler.reconcile(node({}, first.status), context(pi.executor, later(6)));
  assert.equal(second.requeueAfterMs, 60_000, 'failing for a minute: wait a minute');
  assert.deepEqual(second.events, [], 'the same failure is not announced again');
});

void test('sudo refusing to run the observe is ObserveFailed, not unreachable', async () => {
  const pi = new FakePi(freshPi());
  pi.observeExit = { code: 1, stderr: 'sudo: a password is required' };
  const result = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  assert.equal(pi.calls.length, 1);
  assert.equal(condition(result.status, 'Reachable')?.status, 'True');
  const configured = condition(result.status, 'Configured');
  assert.deepEqual([configured?.status, configured?.reason], ['Unknown', 'ObserveFailed']);
  assert.match(configured?.message ?? '', /sudo: a password is required/);
});

void test('an invalid spec is refused before any SSH', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(node({ hostname: 'Not_A_Host;reboot' }), context(pi.executor, t0));
  assert.equal(pi.calls.length, 0);
  assert.equal(condition(result.status, 'Configured')?.reason, 'InvalidSpec');
  assert.match(condition(result.status, 'Configured')?.message ?? '', /hostname/);
});

void test('a new boot id is reported as a Rebooted Warning with the uptime; boot time follows the controller clock', async () => {
  const state = { ...convergedPi(), boot: { uptimeSeconds: 7200, bootId: '11111111-2222-4333-8444-555555555555' } };
  const pi = new FakePi(state);
  const first = await piNodeReconciler.reconcile(node({}, undefined), context(pi.executor, t0));
  assert.equal(first.status.facts?.bootTime, '2026-11-25T10:00:00Z');
  assert.ok(!first.events.some((e) => e.reason === 'Rebooted'), 'no previous boot id: nothing to compare');
  const same = await piNodeReconciler.reconcile(node({}, first.status), context(pi.executor, later(5)));
  assert.ok(!same.events.some((e) => e.reason === 'Rebooted'));
  state.boot = { uptimeSeconds: 42, bootId: '66666666-7777-4888-9999-000000000000' };
  const after = await piNodeReconciler.reconcile(node({}, same.status), context(pi.executor, later(10)));
  assert.deepEqual(
    after.events.filter((e) => e.reason === 'Rebooted'),
    [{ type: 'Warning', reason: 'Rebooted', message: 'Pi pi1 has been rebooted, boot id: 66666666-7777-4888-9999-000000000000 (up 42 s)' }],
  );
  assert.equal(after.status.facts?.bootTime, '2026-11-25T12:09:18Z');
});

void test('a connection lost during the apply is reported unreachable, as during the observe, and retried', async () => {
  const pi = new FakePi(freshPi());
  const ctx = context(pi.executor, t0);
  let execs = 0;
  const executor: Executor = {
    exec: (target, command, options) =>
      ++execs === 2 ? Promise.reject(new UnreachableError('10.0.0.11:22', 'connection lost')) : ctx.executor.exec(target, command, options),
    close: () => Promise.resolve(),
  };
  const result = await piNodeReconciler.reconcile(node(), { ...ctx, executor });
  assert.equal(execs, 2, 'the observe, then the apply that lost the connection');
  const reachable = condition(result.status, 'Reachable');
  assert.deepEqual([reachable?.status, reachable?.reason, reachable?.message], ['False', 'Unreachable', 'connection lost']);
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'Unreachable']],
  );
  assert.equal(result.requeueAfterMs, 10_000);
});
