import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneUnknownFields } from './prune.ts';
import type { JSONSchemaProps } from './types.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        users: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
        options: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string' } } } },
        free: {
          type: 'object',
          'x-kubernetes-preserve-unknown-fields': true,
          properties: { known: { type: 'object', properties: { a: { type: 'string' } } } },
        },
        embedded: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } },
      },
    },
  },
};

void test('unknown fields are removed and their paths returned', () => {
  const obj = {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi0', anything: 1 },
    extra: true,
    spec: { users: [{ name: 'a', uid: 1000 }], options: { 'x.y': { v: 'on', w: 'off' } }, bogus: 1 },
  };
  const pruned = pruneUnknownFields(schema, obj);
  assert.deepEqual(pruned.sort(), ['extra', 'spec.bogus', 'spec.options[x.y].w', 'spec.users[0].uid']);
  assert.deepEqual(obj, {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi0', anything: 1 },
    spec: { users: [{ name: 'a' }], options: { 'x.y': { v: 'on' } } },
  });
});

void test('preserve-unknown-fields keeps unknown keys but prunes inside known ones', () => {
  const obj = { spec: { free: { whatever: { deep: 1 }, known: { a: 'x', b: 'y' } } } };
  assert.deepEqual(pruneUnknownFields(schema, obj), ['spec.free.known.b']);
  assert.deepEqual(obj.spec.free, { whatever: { deep: 1 }, known: { a: 'x' } });
});

void test('embedded resources keep apiVersion, kind and metadata', () => {
  const obj = { spec: { embedded: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, spec: { x: 1 }, data: {} } } };
  assert.deepEqual(pruneUnknownFields(schema, obj).sort(), ['spec.embedded.data', 'spec.embedded.spec.x']);
  assert.deepEqual(obj.spec.embedded, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, spec: {} });
});

void test('a clean object is untouched', () => {
  const obj = { spec: { users: [{ name: 'a' }] } };
  assert.deepEqual(pruneUnknownFields(schema, obj), []);
  assert.deepEqual(obj, { spec: { users: [{ name: 'a' }] } });
});
