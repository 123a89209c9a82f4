// Issue 16: a user on a Pi who fills their own authorized_keys makes THAT PiNode report
// ObserveOutputTooLarge naming the file; nothing is planned or applied there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { piNodeReconciler } from './reconciler.ts';
import { aliceKey, condition, context, convergedPi, fakeHostKey, FakePi, node, t0 } from './fake-pi.test-support.ts';
import { observeOutputLimitBytes, sectionLimitBytes } from '../shared/observe-frame.ts';

void test('an authorized_keys past the section bound: ObserveOutputTooLarge naming the file, a Warning, no apply', async () => {
  const state = convergedPi();
  state.users.alice = { groups: ['video'], shell: '/bin/bash', keys: [aliceKey, 'x'.repeat(sectionLimitBytes)] };
  const pi = new FakePi(state);
  const result = await piNodeReconciler.reconcile(node(), context(pi.executor, t0));
  assert.equal(pi.calls.length, 1, 'observe only');
  assert.equal(pi.calls[0]?.options.maxOutputBytes, observeOutputLimitBytes, 'the observe asks the executor for its bound');
  const configured = condition(result.status, 'Configured');
  assert.equal(configured?.reason, 'ObserveOutputTooLarge');
  assert.match(configured?.message ?? '', /~alice\/\.ssh\/authorized_keys on the Pi is larger than 65536 bytes/);
  assert.equal(condition(result.status, 'Reachable')?.status, 'True');
  assert.equal(result.status.hostKey, fakeHostKey);
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'ObserveOutputTooLarge']],
  );
});

void test('an observe output the executor had to cut is ObserveOutputTooLarge, not read as whole', async () => {
  const executor = new RecordingExecutor(fakeHostKey).on('sh -s', { stdout: 'cut', truncated: true });
  const result = await piNodeReconciler.reconcile(node(), context(executor, t0));
  assert.equal(condition(result.status, 'Configured')?.reason, 'ObserveOutputTooLarge');
  assert.equal(executor.calls.length, 1);
});
