import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { applyMergePatch, createMergePatch, deepEqual } from './merge-patch.ts';

void test('equal documents give no patch; changes give only the changed keys; removals are null', () => {
  assert.equal(createMergePatch({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }), undefined);
  assert.deepEqual(createMergePatch({ a: 1, b: { c: 2, d: 3 } }, { a: 1, b: { c: 5 } }), { b: { c: 5, d: null } });
  assert.deepEqual(createMergePatch({ list: [1, 2] }, { list: [2] }), { list: [2] });
});

// Merge patches cannot express null values inside documents, so generate documents without them.
const doc = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.string(), fc.boolean(), fc.array(fc.integer(), { maxLength: 3 }), tie('object')),
  object: fc.dictionary(fc.stringMatching(/^[a-z]{1,4}$/), tie('value'), { maxKeys: 4 }),
})).object;

void test('applying the patch from a to b yields b', () => {
  fc.assert(
    fc.property(doc, doc, (a, b) => {
      const patch = createMergePatch(a, b);
      const result = patch === undefined ? a : applyMergePatch(a, patch);
      assert.ok(deepEqual(result, b), JSON.stringify({ a, b, patch, result }));
    }),
  );
});
