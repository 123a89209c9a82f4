import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFieldSelector, parseLabelSelector } from './selectors.ts';
import { ApiError } from './errors.ts';
import type { KubeObject } from './types.ts';

const pi = (name: string, labels: Record<string, string>): KubeObject => ({
  metadata: { name, namespace: 'lab', labels },
});

void test('label selectors: equality, set, existence and their negations', () => {
  const a = pi('a', { role: 'worker', rack: '1' });
  const b = pi('b', { role: 'controller' });
  const cases: [string, boolean, boolean][] = [
    ['role=worker', true, false],
    ['role==worker', true, false],
    ['role!=worker', false, true],
    ['role in (worker, gpu)', true, false],
    ['role notin (worker)', false, true],
    ['rack', true, false],
    ['!rack', false, true],
    ['role in (worker,controller),!rack', false, true],
  ];
  for (const [sel, wantA, wantB] of cases) {
    const m = parseLabelSelector(sel);
    assert.equal(m(a), wantA, sel);
    assert.equal(m(b), wantB, sel);
  }
});

void test('a malformed label selector is a 400', () => {
  assert.throws(
    () => parseLabelSelector('role=(x'),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});

void test('field selectors on name and namespace, and unknown fields refused', () => {
  const m = parseFieldSelector('metadata.name=a,metadata.namespace=lab', 'PiNode');
  assert.equal(m(pi('a', {})), true);
  assert.equal(m(pi('b', {})), false);
  assert.equal(parseFieldSelector('metadata.name!=a', 'PiNode')(pi('a', {})), false);
  assert.throws(
    () => parseFieldSelector('spec.address=1', 'PiNode'),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});
