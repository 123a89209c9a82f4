import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import { ApiError } from './errors.ts';

void test('merge patch merges objects, deletes on null, replaces lists', () => {
  const current = { spec: { a: 1, b: 2, list: [1, 2] }, keep: true };
  assert.deepEqual(mergePatch(current, { spec: { b: null, c: 3, list: [9] } }), {
    spec: { a: 1, c: 3, list: [9] },
    keep: true,
  });
});

void test('merge patch never mutates its input (property)', () => {
  fc.assert(
    fc.property(fc.object(), fc.object(), (target, patch) => {
      const before = JSON.stringify(target);
      mergePatch(target, patch);
      assert.equal(JSON.stringify(target), before);
    }),
  );
});

void test('merge patch with itself is idempotent (property)', () => {
  fc.assert(
    fc.property(fc.object(), fc.object(), (target, patch) => {
      const once = mergePatch(target, patch);
      assert.deepEqual(mergePatch(once, patch), once);
    }),
  );
});

void test('a "__proto__" field is an ordinary field, never a prototype', () => {
  const patched = mergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(patched), Object.prototype);
  assert.deepEqual(Object.keys(patched), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

void test('json patch applies operations and refuses a failed test', () => {
  assert.deepEqual(jsonPatch({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]), { a: [1, 2] });
  assert.throws(
    () => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }]),
    (e: unknown) => e instanceof ApiError && e.code === 422,
  );
  assert.throws(
    () => jsonPatch({ a: 1 }, { op: 'add' }),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});

void test('strategic merge unions finalizers and merges keyed lists', () => {
  const current = { metadata: { finalizers: ['a'], ownerReferences: [{ uid: '1', name: 'x' }] } };
  const patched = strategicMergePatch(current, {
    metadata: {
      finalizers: ['b'],
      ownerReferences: [
        { uid: '1', name: 'y' },
        { uid: '2', name: 'z' },
      ],
    },
  });
  assert.deepEqual(patched, {
    metadata: {
      finalizers: ['a', 'b'],
      ownerReferences: [
        { uid: '1', name: 'y' },
        { uid: '2', name: 'z' },
      ],
    },
  });
  assert.deepEqual(
    strategicMergePatch(current, { metadata: { $deleteFromPrimitiveList_: 1, '$deleteFromPrimitiveList/finalizers': ['a'] } }),
    { metadata: { finalizers: [], ownerReferences: [{ uid: '1', name: 'x' }], $deleteFromPrimitiveList_: 1 } },
  );
});
