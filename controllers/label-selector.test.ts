import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { matchesSelector, selectorToQuery } from './label-selector.ts';

const labels = { role: 'compute', zone: 'a', gpu: 'none' };

void test('matchLabels needs every pair', () => {
  assert.equal(matchesSelector({ matchLabels: { role: 'compute' } }, labels), true);
  assert.equal(matchesSelector({ matchLabels: { role: 'compute', zone: 'b' } }, labels), false);
  assert.equal(matchesSelector({ matchLabels: { missing: 'x' } }, labels), false);
});

void test('matchExpressions operators as Kubernetes defines them', () => {
  const m = (operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist', key: string, values?: string[]) =>
    matchesSelector({ matchExpressions: [{ key, operator, values }] }, labels);
  assert.equal(m('In', 'zone', ['a', 'b']), true);
  assert.equal(m('In', 'zone', ['b']), false);
  assert.equal(m('In', 'nope', ['a']), false);
  assert.equal(m('NotIn', 'zone', ['b']), true);
  assert.equal(m('NotIn', 'zone', ['a']), false);
  assert.equal(m('NotIn', 'nope', ['a']), true, 'a missing label is not in any set');
  assert.equal(m('Exists', 'gpu'), true);
  assert.equal(m('Exists', 'nope'), false);
  assert.equal(m('DoesNotExist', 'nope'), true);
  assert.equal(m('DoesNotExist', 'gpu'), false);
});

void test('an empty selector selects everything, a missing one nothing, an unknown operator nothing', () => {
  assert.equal(matchesSelector({}, labels), true);
  assert.equal(matchesSelector({}, undefined), true);
  assert.equal(matchesSelector(undefined, labels), false);
  assert.equal(matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'Gt' as 'In', values: ['1'] }] }, labels), false);
});

void test("a selector made of a subset of an object's labels matches it; changing one value breaks it", () => {
  const labelMap = fc.dictionary(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z0-9]{0,6}$/), { minKeys: 1 });
  fc.assert(
    fc.property(labelMap, fc.integer({ min: 0, max: 10 }), (l, pick) => {
      const keys = Object.keys(l);
      const key = keys[pick % keys.length] as string;
      assert.equal(matchesSelector({ matchLabels: { [key]: l[key] as string } }, l), true);
      assert.equal(matchesSelector({ matchExpressions: [{ key, operator: 'In', values: [l[key] as string] }] }, l), true);
      assert.equal(matchesSelector({ matchLabels: { [key]: `${l[key]}x` } }, l), false);
      assert.equal(matchesSelector({ matchExpressions: [{ key, operator: 'DoesNotExist' }] }, l), false);
    }),
  );
});

void test('selectorToQuery renders the API syntax', () => {
  assert.equal(
    selectorToQuery({
      matchLabels: { role: 'compute' },
      matchExpressions: [
        { key: 'zone', operator: 'In', values: ['b', 'a'] },
        { key: 'gpu', operator: 'DoesNotExist' },
      ],
    }),
    'role=compute,zone in (a,b),!gpu',
  );
});
