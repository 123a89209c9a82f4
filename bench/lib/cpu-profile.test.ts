import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Profiler } from 'node:inspector';
import { summariseProfile } from './cpu-profile.ts';

const node = (id: number, functionName: string, children: number[] = []): Profiler.ProfileNode =>
  ({ id, callFrame: { functionName, scriptId: '0', url: '', lineNumber: 0, columnNumber: 0 }, children });

void test('a function\'s share counts every busy sample with it on the stack; idle samples count for nothing', () => {
  // (root) → reconcile → prepare → referencedSecrets; reconcile → parse; (root) → (idle)
  const nodes = [node(1, '(root)', [2, 6]), node(2, 'reconcile', [3, 5]), node(3, 'prepare', [4]), node(4, 'referencedSecrets'), node(5, 'parse'), node(6, '(idle)')];
  const summary = summariseProfile({ nodes, samples: [4, 4, 3, 5, 6, 6, 6, 6] }, ['prepare', 'referencedSecrets', 'absent']);
  assert.equal(summary.busySamples, 4);
  assert.deepEqual(summary.inclusive, { prepare: 0.75, referencedSecrets: 0.5, absent: 0 });
  assert.deepEqual(summary.topSelf, [{ name: 'referencedSecrets', share: 0.5 }, { name: 'prepare', share: 0.25 }, { name: 'parse', share: 0.25 }]);
});
