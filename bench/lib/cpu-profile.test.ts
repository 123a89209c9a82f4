import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Profiler } from 'node:inspector';
import { summariseProfile } from './cpu-profile.ts';

const node = (id: number, functionName: string, children: number[] = [], url = ''): Profiler.ProfileNode => ({
  id,
  callFrame: { functionName, scriptId: '0', url, lineNumber: 41, columnNumber: 0 },
  children,
});

void test("a function's share counts every busy sample with it on the stack; idle samples count for nothing", () => {
  // (root) → reconcile → prepare → referencedSecrets; reconcile → parse; (root) → (idle)
  const nodes = [
    node(1, '(root)', [2, 6]),
    node(2, 'reconcile', [3, 5]),
    node(3, 'prepare', [4]),
    node(4, 'referencedSecrets'),
    node(5, 'parse'),
    node(6, '(idle)'),
  ];
  const summary = summariseProfile({ nodes, samples: [4, 4, 3, 5, 6, 6, 6, 6] }, ['prepare', 'referencedSecrets', 'absent']);
  assert.equal(summary.busySamples, 4);
  assert.deepEqual(summary.inclusive, { prepare: 0.75, referencedSecrets: 0.5, absent: 0 });
  assert.deepEqual(
    summary.topSelf.map((f) => [f.name, f.share]),
    [
      ['referencedSecrets', 0.5],
      ['prepare', 0.25],
      ['parse', 0.25],
    ],
  );
});

void test("a function's place is its file under its folder and its line, counted from 1", () => {
  const nodes = [node(1, '(root)', [2]), node(2, 'parseSections', [], 'file:///srv/bramble/reconcilers/shared/parse-sections.ts')];
  assert.deepEqual(summariseProfile({ nodes, samples: [2] }, []).topSelf, [
    { name: 'parseSections', share: 1, at: 'shared/parse-sections.ts:42' },
  ]);
});
