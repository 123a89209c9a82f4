import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from './validate.ts';
import type { JSONSchemaProps } from './types.ts';

function root(spec: JSONSchemaProps): JSONSchemaProps {
  return { type: 'object', properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, spec } };
}

function causes(spec: JSONSchemaProps, value: unknown) {
  return validateObject(root(spec), { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'n' }, spec: value });
}

const port: JSONSchemaProps = { type: 'object', properties: { port: { type: 'integer', minimum: 1, maximum: 65535 } } };

void test('a valid object has no causes', () => {
  assert.deepEqual(causes(port, { port: 22 }), []);
});

void test('maximum and minimum are worded as Kubernetes words them', () => {
  assert.deepEqual(causes(port, { port: 70000 }), [
    {
      reason: 'FieldValueInvalid',
      field: 'spec.port',
      message: 'Invalid value: 70000: spec.port in body should be less than or equal to 65535',
    },
  ]);
  assert.equal(causes(port, { port: 0 })[0]?.message, 'Invalid value: 0: spec.port in body should be greater than or equal to 1');
});

void test('exclusive bounds and multipleOf', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: { n: { type: 'number', minimum: 0, exclusiveMinimum: true, maximum: 10, exclusiveMaximum: true, multipleOf: 0.5 } },
  };
  assert.equal(causes(s, { n: 0 })[0]?.message, 'Invalid value: 0: spec.n in body should be greater than 0');
  assert.equal(causes(s, { n: 10 })[0]?.message, 'Invalid value: 10: spec.n in body should be less than 10');
  assert.equal(causes(s, { n: 1.3 })[0]?.message, 'Invalid value: 1.3: spec.n in body should be a multiple of 0.5');
  assert.deepEqual(causes(s, { n: 2.5 }), []);
});

void test('wrong types name the type found', () => {
  assert.deepEqual(causes(port, { port: 'string' }), [
    {
      reason: 'FieldValueTypeInvalid',
      field: 'spec.port',
      message: 'Invalid value: "string": spec.port in body must be of type integer: "string"',
    },
  ]);
  assert.equal(causes(port, { port: 1.5 })[0]?.message, 'Invalid value: "number": spec.port in body must be of type integer: "number"');
  assert.equal(causes(port, { port: [1] })[0]?.message, 'Invalid value: "array": spec.port in body must be of type integer: "array"');
  assert.equal(causes(port, { port: null })[0]?.message, 'Invalid value: "null": spec.port in body must be of type integer: "null"');
});

void test('nullable accepts null', () => {
  const s: JSONSchemaProps = { type: 'object', properties: { x: { type: 'string', nullable: true } } };
  assert.deepEqual(causes(s, { x: null }), []);
});

void test('required fields are reported at their own path', () => {
  const s: JSONSchemaProps = { type: 'object', required: ['a'], properties: { a: { type: 'string' } } };
  assert.deepEqual(causes(s, {}), [{ reason: 'FieldValueRequired', field: 'spec.a', message: 'Required value' }]);
});

void test('enum gives the supported values', () => {
  const s: JSONSchemaProps = { type: 'object', properties: { p: { type: 'string', enum: ['Pinned', 'TrustOnFirstUse'] } } };
  assert.deepEqual(causes(s, { p: 'X' }), [
    {
      reason: 'FieldValueNotSupported',
      field: 'spec.p',
      message: 'Unsupported value: "X": supported values: "Pinned", "TrustOnFirstUse"',
    },
  ]);
});

void test('string length, pattern and format', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      h: { type: 'string', maxLength: 63, minLength: 2, pattern: '^[a-z]+$' },
      ip: { type: 'string', format: 'ipv4' },
      t: { type: 'string', format: 'date-time' },
      b: { type: 'string', format: 'byte' },
    },
  };
  const long = causes(s, { h: 'a'.repeat(64) });
  assert.deepEqual(long, [{ reason: 'FieldValueTooLong', field: 'spec.h', message: 'Too long: may not be more than 63 bytes' }]);
  assert.equal(causes(s, { h: 'a' })[0]?.message, 'Invalid value: "a": spec.h in body should be at least 2 chars long');
  assert.equal(causes(s, { h: 'a;b' })[0]?.message, 'Invalid value: "a;b": spec.h in body should match \'^[a-z]+$\'');
  // A trailing newline must not sneak past "$" (Go's RE2 rejects it too).
  assert.equal(causes(s, { h: 'ab\n' }).length, 1);
  assert.equal(causes(s, { ip: '999.1.1.1' })[0]?.message, 'Invalid value: "999.1.1.1": spec.ip in body must be of type ipv4: "999.1.1.1"');
  assert.equal(causes(s, { ip: '010.1.1.1' }).length, 1, 'Go rejects leading zeros');
  assert.deepEqual(causes(s, { ip: '10.0.0.1', t: '2026-11-25T20:00:00Z', b: 'aGVsbG8=' }), []);
  assert.equal(causes(s, { t: 'yesterday' })[0]?.reason, 'FieldValueTypeInvalid');
  assert.equal(causes(s, { b: 'not base64!' }).length, 1);
});

void test('ipv6 and hostname formats', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: { ip: { type: 'string', format: 'ipv6' }, h: { type: 'string', format: 'hostname' } },
  };
  assert.deepEqual(causes(s, { ip: 'fd00::1', h: 'pi0.local' }), []);
  assert.equal(causes(s, { ip: '10.0.0.1' }).length, 1);
  assert.equal(causes(s, { ip: 'fe80::1%eth0' }).length, 1, 'zones are not IPs to Go');
  assert.equal(causes(s, { h: '-bad' }).length, 1);
});

void test('int32 and int64 formats bound integers', () => {
  const s: JSONSchemaProps = { type: 'object', properties: { n: { type: 'integer', format: 'int32' } } };
  assert.deepEqual(causes(s, { n: 2147483647 }), []);
  assert.equal(causes(s, { n: 2147483648 })[0]?.reason, 'FieldValueTypeInvalid');
});

void test('arrays: maxItems, minItems, uniqueItems, items by index', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: { l: { type: 'array', maxItems: 2, minItems: 1, uniqueItems: true, items: { type: 'string', maxLength: 3 } } },
  };
  assert.deepEqual(causes(s, { l: ['a', 'b', 'c'] }), [
    { reason: 'FieldValueTooMany', field: 'spec.l', message: 'Too many: 3: must have at most 2 items' },
  ]);
  assert.equal(causes(s, { l: [] })[0]?.message, 'Invalid value: 0: spec.l in body should have at least 1 items');
  assert.equal(causes(s, { l: ['a', 'a'] })[0]?.message, 'Invalid value: "": spec.l in body shouldn\'t contain duplicates');
  assert.equal(causes(s, { l: ['a', 'abcd'] })[0]?.field, 'spec.l[1]');
});

void test('list-type set and map report duplicates at the repeated index', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      set: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      map: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, v: { type: 'integer' } } },
      },
    },
  };
  assert.deepEqual(causes(s, { set: ['a', 'b', 'a'] }), [
    { reason: 'FieldValueDuplicate', field: 'spec.set[2]', message: 'Duplicate value: "a"' },
  ]);
  assert.deepEqual(
    causes(s, {
      map: [
        { name: 'x', v: 1 },
        { name: 'x', v: 2 },
      ],
    }),
    [{ reason: 'FieldValueDuplicate', field: 'spec.map[1]', message: 'Duplicate value: {"name":"x"}' }],
  );
  assert.deepEqual(causes(s, { set: ['a', 'b'], map: [{ name: 'x' }, { name: 'y' }] }), []);
});

void test('objects: properties bounds, additionalProperties schema and false', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      m: { type: 'object', maxProperties: 1, minProperties: 1, additionalProperties: { type: 'integer' } },
      closed: { type: 'object', additionalProperties: false },
    },
  };
  assert.equal(causes(s, { m: { a: 1, b: 2 } })[0]?.message, 'Too many: 2: must have at most 1 item');
  assert.equal(causes(s, { m: {} })[0]?.message, 'Invalid value: 0: spec.m in body should have at least 1 properties');
  assert.equal(causes(s, { m: { 'a.b': 'x' } })[0]?.field, 'spec.m[a.b]');
  assert.equal(causes(s, { closed: { x: 1 } })[0]?.field, 'spec.closed.x');
});

void test('anyOf, allOf, oneOf and not check values only', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      any: { type: 'string', anyOf: [{ format: 'ipv4' }, { pattern: '^[a-z]+$' }] },
      all: { type: 'string', allOf: [{ minLength: 2 }, { pattern: '^a' }] },
      one: { type: 'integer', oneOf: [{ minimum: 5 }, { maximum: 10 }] },
      not: { type: 'string', not: { pattern: '^-' } },
    },
  };
  assert.deepEqual(causes(s, { any: '10.0.0.1', all: 'ab', one: 1, not: 'x' }), []);
  const any = causes(s, { any: '999.1.1.1' });
  assert.equal(any[0]?.message, 'Invalid value: "999.1.1.1": spec.any in body must validate at least one schema (anyOf)');
  assert.ok(any.length >= 2, 'the closest branch explains why');
  assert.equal(causes(s, { all: 'b' }).length, 2);
  assert.equal(causes(s, { one: 7 })[0]?.message, 'Invalid value: 7: spec.one in body must validate one and only one schema (oneOf)');
  assert.equal(causes(s, { not: '--force' })[0]?.message, 'Invalid value: "--force": spec.not in body must not validate the schema (not)');
});

void test('int-or-string and preserve-unknown-fields', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      ios: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
      free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  assert.deepEqual(causes(s, { ios: 3, free: { anything: [1, { x: 2 }] } }), []);
  assert.deepEqual(causes(s, { ios: '50%' }), []);
  assert.equal(causes(s, { ios: true })[0]?.reason, 'FieldValueTypeInvalid');
});

void test('metadata is left to the control plane, at the root and in embedded resources', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      inner: {
        type: 'object',
        'x-kubernetes-embedded-resource': true,
        properties: {
          apiVersion: { type: 'string' },
          kind: { type: 'string' },
          metadata: { type: 'object', properties: { name: { type: 'integer' } } },
        },
      },
    },
  };
  assert.deepEqual(causes(s, { inner: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } } }), []);
  assert.deepEqual(validateObject({ type: 'object', properties: { metadata: { type: 'string' } } }, { metadata: { name: 'x' } }), []);
});
