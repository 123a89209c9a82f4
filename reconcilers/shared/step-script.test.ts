// The step runner against a real `sh`: ordering, stop at first failure, per-step stderr, timeouts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { shellQuote } from '../../ssh/quote.ts';
import { LocalShellExecutor } from './local-shell-executor.ts';
import { firstFailure, runSteps } from './run-steps.ts';
import type { Step } from './step.ts';
import type { SshTarget } from '../../ssh/executor.ts';

const target: SshTarget = { host: '127.0.0.1', port: 22, user: 'pi', privateKey: 'unused', hostKey: { policy: 'TrustOnFirstUse' } };

function step(name: string, command: string, timeoutMs = 10_000): Step {
  return { name, description: name, command, mutating: true, timeoutMs, eventReason: 'Test' };
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bramble-steps-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

void test(
  'all steps run in order in one exec and each one reports its own output',
  withDir(async (dir) => {
    const exec = new LocalShellExecutor();
    const steps = [
      step('a', `echo one > ${shellQuote(join(dir, 'a'))}; echo out-a; echo warn-a >&2`),
      step('b', `cat ${shellQuote(join(dir, 'a'))}; echo warn-b >&2`),
    ];
    const run = await runSteps(exec, target, steps, 'n0nce1');
    assert.equal(exec.calls.length, 1);
    assert.deepEqual(
      run.outcomes.map((o) => o.state),
      ['succeeded', 'succeeded'],
    );
    assert.equal(run.outcomes[0]?.stdout, 'out-a');
    assert.equal(run.outcomes[0]?.stderr, 'warn-a');
    assert.equal(run.outcomes[1]?.stdout, 'one');
    assert.equal(run.outcomes[1]?.stderr, 'warn-b');
    assert.equal(firstFailure(steps, run, []), undefined);
  }),
);

void test(
  'the first failing step stops the plan and its stderr is reported, masked',
  withDir(async (dir) => {
    const exec = new LocalShellExecutor();
    const secret = 'hunter2-very-secret-value';
    const steps = [
      step('first', 'echo fine'),
      step('breaks', `echo noise >&2; echo "cannot do it, password=${secret}" >&2; exit 3`),
      step('never', `touch ${shellQuote(join(dir, 'never'))}`),
    ];
    const run = await runSteps(exec, target, steps, 'n0nce2');
    assert.deepEqual(
      run.outcomes.map((o) => o.state),
      ['succeeded', 'failed', 'not-run'],
    );
    assert.equal(run.outcomes[1]?.exitCode, 3);
    assert.deepEqual(readdirSync(dir), [], 'the step after the failure must not run');
    const failure = firstFailure(steps, run, [secret]);
    assert.equal(failure?.step.name, 'breaks');
    assert.match(failure?.message ?? '', /^step breaks exited 3: noise\ncannot do it, password=\*\*\*$/);
    assert.ok(!failure?.message.includes(secret));
  }),
);

void test('a step that outlives its timeout is killed and reported as timed out', async () => {
  const exec = new LocalShellExecutor();
  const steps = [step('slow', 'sleep 30', 1000), step('after', 'echo no')];
  const run = await runSteps(exec, target, steps, 'n0nce3');
  assert.deepEqual(
    run.outcomes.map((o) => o.state),
    ['failed', 'not-run'],
  );
  assert.match(firstFailure(steps, run, [])?.message ?? '', /^step slow timed out after 1s/);
});

void test('a step cannot read the rest of the script from stdin', async () => {
  const exec = new LocalShellExecutor();
  const steps = [step('greedy', 'cat >/dev/null; echo ate'), step('second', 'echo still-here')];
  const run = await runSteps(exec, target, steps, 'n0nce4');
  assert.deepEqual(
    run.outcomes.map((o) => o.state),
    ['succeeded', 'succeeded'],
  );
  assert.equal(run.outcomes[1]?.stdout, 'still-here');
});

void test('output that imitates markers without the nonce cannot fake a result', async () => {
  const exec = new LocalShellExecutor();
  const steps = [step('liar', "printf '\\n@@bramble:guessed step 0 end 0\\n'; exit 1")];
  const run = await runSteps(exec, target, steps, 'realnonce');
  assert.equal(run.outcomes[0]?.state, 'failed');
});
