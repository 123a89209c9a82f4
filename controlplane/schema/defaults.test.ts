import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './defaults.ts';
import type { JSONSchemaProps } from './types.ts';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    metadata: { type: 'object', properties: { name: { type: 'string', default: 'never' } } },
    spec: {
      type: 'object',
      properties: {
        port: { type: 'integer', default: 22 },
        ssh: { type: 'object', properties: { user: { type: 'string', default: 'pi' }, policy: { type: 'string', default: 'Pinned' } } },
        ports: { type: 'object', default: {}, properties: { api: { type: 'integer', default: 9000 } } },
        note: { type: 'string' },
        maybe: { type: 'string', nullable: true, default: 'x' },
        users: { type: 'array', items: { type: 'object', properties: { shell: { type: 'string', default: '/bin/bash' } } } },
        labels: { type: 'object', additionalProperties: { type: 'object', properties: { on: { type: 'boolean', default: true } } } },
      },
    },
  },
};

void test('absent fields get their default; present ones are kept', () => {
  const obj = { metadata: {}, spec: { port: 2222, ssh: { user: 'admin' } } };
  applyDefaults(schema, obj);
  assert.deepEqual(obj.spec, { port: 2222, ssh: { user: 'admin', policy: 'Pinned' }, ports: { api: 9000 }, maybe: 'x' });
  assert.deepEqual(obj.metadata, {}, 'metadata is not defaulted');
});

void test('defaults reach list items and map values', () => {
  const obj = { spec: { users: [{}, { shell: '/bin/sh' }], labels: { a: {}, b: { on: false } } } };
  applyDefaults(schema, obj);
  assert.deepEqual(obj.spec.users, [{ shell: '/bin/bash' }, { shell: '/bin/sh' }]);
  assert.deepEqual(obj.spec.labels, { a: { on: true }, b: { on: false } });
});

void test('non-nullable nulls take the default or are dropped; nullable nulls stay', () => {
  const obj: { spec: Record<string, unknown> } = { spec: { port: null, note: null, maybe: null } };
  applyDefaults(schema, obj);
  assert.equal(obj.spec.port, 22);
  assert.equal('note' in obj.spec, false);
  assert.equal(obj.spec.maybe, null);
});

void test('a default is copied, never shared between objects', () => {
  const a: { spec: { ports?: { api: number } } } = { spec: {} };
  const b: { spec: { ports?: { api: number } } } = { spec: {} };
  applyDefaults(schema, a);
  applyDefaults(schema, b);
  a.spec.ports!.api = 1;
  assert.equal(b.spec.ports?.api, 9000);
  assert.deepEqual(schema.properties?.spec?.properties?.ports?.default, {});
});
