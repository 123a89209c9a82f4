import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStepOutput } from './step-output.ts';

const M = '@@bramble:abc123';

void test('output cut off inside a step: earlier steps succeeded, that one is unknown, the rest never ran', () => {
  const stdout = `\n${M} step 0 begin\nok\n\n${M} step 0 end 0\n\n${M} step 1 begin\nhalf`;
  const stderr = `\n${M} step 0 begin\n\n${M} step 0 end 0\n\n${M} step 1 begin\napt: downloading`;
  const outcomes = parseStepOutput(stdout, stderr, 'abc123', 3);
  assert.deepEqual(
    outcomes.map((o) => [o.state, o.exitCode, o.stdout, o.stderr]),
    [
      ['succeeded', 0, 'ok', ''],
      ['unknown', undefined, 'half', 'apt: downloading'],
      ['not-run', undefined, '', ''],
    ],
  );
});

void test('nothing printed at all (sudo refused before the script ran): every step not-run', () => {
  assert.deepEqual(
    parseStepOutput('', 'sudo: a password is required\n', 'abc123', 2).map((o) => o.state),
    ['not-run', 'not-run'],
  );
});
