// The call-log reading the fault suite relies on: step commands come back exactly as the step
// script quoted them, with the exit code of each step that ended.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stepScript, markerOf } from '../../reconcilers/shared/step-script.ts';
import { appliedSteps, repeatedAfter } from './applied-steps.ts';
import type { Call } from './call-log.ts';
import type { Step } from '../../reconcilers/shared/step.ts';

const tricky = "printf '%s\\n' \"it's\" && cat <<'EOF'\n  run_step 9 9 'not a step'\nEOF";
const step = (name: string, command: string): Step => ({
  name,
  description: name,
  command,
  mutating: true,
  timeoutMs: 1000,
  eventReason: 'Test',
});
const steps = [step('a', 'echo one'), step('b', tricky), step('c', 'false')];

function call(at: number, ended: number[]): Call {
  const m = markerOf('abcdef12');
  const stdout = ended.map((rc, i) => `\n${m} step ${i} end ${rc}\n`).join('');
  return {
    operator: 'op0',
    host: '10.0.0.1',
    at,
    command: 'sh -s',
    stdin: stepScript(steps, 'abcdef12'),
    end: { at: at + 1, code: 0, stdout },
  };
}

test('each step command is read back verbatim with its exit code; steps that never ended have none', () => {
  const got = appliedSteps([call(1, [0, 0])]);
  assert.deepEqual(
    got.map((s) => [s.command, s.rc]),
    [
      ['echo one', 0],
      [tricky, 0],
      ['false', undefined],
    ],
  );
});

test('a step completed before the fault and run again after it is reported; one cut off is not', () => {
  const before = call(1, [0]);
  const after = call(10, [0, 0, 1]);
  assert.deepEqual(
    repeatedAfter([before, after], '10.0.0.1', 5).map((s) => s.command),
    ['echo one'],
  );
  assert.deepEqual(repeatedAfter([before, after], '10.0.0.2', 5), []);
});
