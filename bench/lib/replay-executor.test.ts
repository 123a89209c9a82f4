import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseObserved } from '../../reconcilers/pinode/observe.ts';
import { parseStepOutput } from '../../reconcilers/shared/step-output.ts';
import { stepScript } from '../../reconcilers/shared/step-script.ts';
import { replayApply, replayObserve } from './replay-executor.ts';
import type { RecordedObserve } from './observe-recorder.ts';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/observe-converged.json', import.meta.url), 'utf8')) as {
  timezone: string;
  observe: RecordedObserve;
};

test('a replayed observe parses as the node it stands for, under the new run marker', () => {
  const scope = { users: ['alice', 'bob'], groups: ['users'], packages: ['tree', 'jq'] };
  const blob = replayObserve(fixture.observe, fixture.timezone, 'newrun123', { hostname: 'pi777-bench', timezone: 'Europe/Paris' });
  const observed = parseObserved(blob, 'newrun123', scope);
  assert.equal(observed.state.hostname, 'pi777-bench');
  assert.equal(observed.state.etcTimezone, 'Europe/Paris');
  assert.equal(observed.state.localtimeZone, 'Europe/Paris');
  assert.ok(observed.state.installedPackages.has('jq'));
  assert.throws(() => parseObserved(blob, fixture.observe.nonce, scope), 'the recorded marker is gone');
});

test('a replayed apply reports every step of the script as succeeded', () => {
  const steps = [0, 1, 2].map((i) => ({
    name: `s${i}`,
    description: 'd',
    command: 'true',
    mutating: true as const,
    timeoutMs: 1000,
    eventReason: 'Test',
  }));
  const script = stepScript(steps, 'applyrun1');
  const outcomes = parseStepOutput(replayApply(script, 'applyrun1'), '', 'applyrun1', steps.length);
  assert.deepEqual(
    outcomes.map((o) => o.state),
    ['succeeded', 'succeeded', 'succeeded'],
  );
});
