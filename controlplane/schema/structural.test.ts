import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructural, re2Incompatibility } from './structural.ts';
import type { JSONSchemaProps } from './types.ts';

const ok: JSONSchemaProps = {
  type: 'object',
  properties: {
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      properties: {
        address: { type: 'string', maxLength: 253, anyOf: [{ format: 'ipv4' }, { pattern: '^[a-z]+$' }] },
        port: { type: 'integer', default: 22, minimum: 1 },
        items: {
          type: 'array',
          maxItems: 4,
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string', maxLength: 10 } } },
        },
        ios: { 'x-kubernetes-int-or-string': true },
      },
      'x-kubernetes-validations': [{ rule: 'self.port > 0' }],
    },
  },
};

void test('a structural schema passes', () => {
  assert.deepEqual(checkStructural(ok), []);
});

function broken(mutate: (spec: JSONSchemaProps) => void): string[] {
  const copy = structuredClone(ok);
  mutate(copy.properties!.spec!);
  return checkStructural(copy);
}

void test('each structural rule is enforced', () => {
  assert.match(
    broken((s) => {
      delete s.properties!.port!.type;
    }).join(),
    /spec.port: type must not be empty/,
  );
  assert.match(
    broken((s) => {
      s.properties!.address!.anyOf![0]!.type = 'string';
    }).join(),
    /type must not be set inside anyOf/,
  );
  assert.match(
    broken((s) => {
      delete s.properties!.items!['x-kubernetes-list-map-keys'];
    }).join(),
    /needs x-kubernetes-list-map-keys/,
  );
  assert.match(
    broken((s) => {
      s.properties!.items!.items!.required = [];
    }).join(),
    /must be required or defaulted/,
  );
  assert.match(
    broken((s) => {
      s.properties!.port!.default = 0;
    }).join(),
    /default is invalid/,
  );
  assert.match(
    broken((s) => {
      s.uniqueItems = true;
    }).join(),
    /uniqueItems/,
  );
  assert.match(
    broken((s) => {
      s.properties!.address!.maxLength = undefined;
      delete s.properties!.address!.maxLength;
    }).join(),
    /needs maxLength/,
  );
  assert.match(
    broken((s) => {
      delete s.properties!.items!.maxItems;
    }).join(),
    /needs maxItems/,
  );
  assert.match(
    broken((s) => {
      s['x-kubernetes-validations'] = [{ rule: 'self.port >' }];
    }).join(),
    /does not compile/,
  );
});

void test('patterns RE2 cannot run are refused', () => {
  assert.match(re2Incompatibility('^(?!-)[a-z]+$') ?? '', /lookahead/);
  assert.match(re2Incompatibility('^(?<=a)b$') ?? '', /lookahead\/lookbehind/);
  assert.match(re2Incompatibility('^(a)\\1$') ?? '', /backreferences/);
  assert.match(re2Incompatibility('^[a-z') ?? '', /does not compile/);
  assert.equal(re2Incompatibility('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$'), undefined);
  assert.equal(re2Incompatibility('^a\\\\1$'), undefined, 'an escaped backslash before a digit is not a backreference');
});
