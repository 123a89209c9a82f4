import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObject } from './validate.ts';
import type { JSONSchemaProps } from './types.ts';

const volume: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replica: { type: 'integer' },
        bricks: { type: 'array', maxItems: 8, items: { type: 'string', maxLength: 10 } },
        policy: { type: 'string', enum: ['Pinned', 'TrustOnFirstUse'] },
        key: { type: 'string', maxLength: 100 },
        immutable: { type: 'string', maxLength: 10, 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }] },
      },
      'x-kubernetes-validations': [
        {
          rule: 'size(self.bricks) % self.replica == 0',
          messageExpression: "'need a multiple of ' + string(self.replica) + ' bricks'",
          fieldPath: '.bricks',
        },
        {
          rule: "self.policy != 'Pinned' || has(self.key)",
          message: 'key is required when Pinned',
          fieldPath: '.key',
          reason: 'FieldValueRequired',
        },
        { rule: "!has(self.key) || !self.key.startsWith('-')" },
        { rule: "!has(self.key) || self.key != 'forbidden'", message: 'nope', reason: 'FieldValueForbidden' },
      ],
    },
  },
};

function check(spec: Record<string, unknown>, oldSpec?: Record<string, unknown>) {
  return validateObject(volume, { spec }, oldSpec ? { oldObject: { spec: oldSpec } } : undefined);
}

void test('a rule that holds adds nothing', () => {
  assert.deepEqual(check({ replica: 3, bricks: ['a', 'b', 'c'], policy: 'TrustOnFirstUse' }), []);
});

void test('integers are CEL ints: % works on schema integers', () => {
  const out = check({ replica: 3, bricks: ['a', 'b'], policy: 'TrustOnFirstUse' });
  assert.deepEqual(out, [
    { reason: 'FieldValueInvalid', field: 'spec.bricks', message: 'Invalid value: "object": need a multiple of 3 bricks' },
  ]);
});

void test('reason and fieldPath shape the cause', () => {
  const out = check({ replica: 1, bricks: [], policy: 'Pinned' });
  assert.deepEqual(out, [{ reason: 'FieldValueRequired', field: 'spec.key', message: 'Required value: key is required when Pinned' }]);
  const forbidden = check({ replica: 1, bricks: [], policy: 'Pinned', key: 'forbidden' });
  assert.deepEqual(forbidden, [{ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: nope' }]);
});

void test('without a message the rule itself is quoted', () => {
  const out = check({ replica: 1, bricks: [], policy: 'Pinned', key: '-x' });
  assert.equal(out[0]?.message, 'Invalid value: "object": failed rule: !has(self.key) || !self.key.startsWith(\'-\')');
});

void test('an evaluation error is reported, unless the subtree already failed its schema', () => {
  const missing = check({ bricks: [], policy: 'TrustOnFirstUse' });
  assert.equal(missing.length, 1);
  assert.match(missing[0]?.message ?? '', /size\(self.bricks\) % self.replica == 0: .*replica/i);
  const broken = check({ replica: 'x', bricks: [], policy: 'TrustOnFirstUse' });
  assert.deepEqual(
    broken.map((c) => c.reason),
    ['FieldValueTypeInvalid'],
  );
});

void test('transition rules run only on update, against the old value', () => {
  assert.deepEqual(check({ replica: 1, bricks: [], policy: 'TrustOnFirstUse', immutable: 'a' }), []);
  assert.deepEqual(check({ replica: 1, bricks: [], policy: 'TrustOnFirstUse', immutable: 'a' }, { immutable: 'a' }), []);
  const changed = check({ replica: 1, bricks: [], policy: 'TrustOnFirstUse', immutable: 'b' }, { immutable: 'a' });
  assert.deepEqual(changed, [{ reason: 'FieldValueInvalid', field: 'spec.immutable', message: 'Invalid value: "string": is immutable' }]);
  // Newly set on update: there is no old value to compare with.
  assert.deepEqual(check({ replica: 1, bricks: [], policy: 'TrustOnFirstUse', immutable: 'b' }, {}), []);
});

void test('list-map items correlate with the old item of the same key', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: {
      items: {
        type: 'array',
        maxItems: 4,
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', maxLength: 8 }, size: { type: 'integer' } },
          'x-kubernetes-validations': [{ rule: 'self.size >= oldSelf.size', message: 'may not shrink' }],
        },
      },
    },
  };
  const old = {
    items: [
      { name: 'a', size: 5 },
      { name: 'b', size: 5 },
    ],
  };
  assert.deepEqual(
    validateObject(
      s,
      {
        items: [
          { name: 'b', size: 6 },
          { name: 'a', size: 5 },
          { name: 'c', size: 1 },
        ],
      },
      { oldObject: old },
    ),
    [],
  );
  const shrunk = validateObject(s, { items: [{ name: 'b', size: 4 }] }, { oldObject: old });
  assert.deepEqual(
    shrunk.map((c) => c.field),
    ['items[0]'],
  );
});

void test('root rules see metadata.name only', () => {
  const s: JSONSchemaProps = {
    type: 'object',
    properties: { metadata: { type: 'object' } },
    'x-kubernetes-validations': [
      { rule: "self.metadata.name.startsWith('pi')", message: 'name must start with pi' },
      { rule: '!has(self.metadata.labels)', message: 'labels are not visible to rules' },
    ],
  };
  assert.deepEqual(validateObject(s, { metadata: { name: 'pi0', labels: { a: 'b' } } }), []);
  assert.equal(validateObject(s, { metadata: { name: 'x' } })[0]?.message, 'Invalid value: "object": name must start with pi');
});

void test('a rule that does not compile is reported, not thrown', () => {
  const s: JSONSchemaProps = { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a +' }] };
  const out = validateObject(s, {});
  assert.equal(out.length, 1);
  assert.match(out[0]?.message ?? '', /compile/);
});
