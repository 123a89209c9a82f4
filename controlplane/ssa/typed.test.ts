import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compare, merge, removeItems, toFieldSet, typeProblems } from './typed.ts';
import { FieldSet, fieldElement, keyElement } from './fieldpath.ts';
import { THING } from './test-type.ts';

const fields = (v: unknown) => toFieldSet(v, THING).toFieldsV1();

void test('field sets follow the schema: list-map items, set values, atomic lists and maps, granular and deduced maps', () => {
  assert.deepEqual(
    fields({
      metadata: { labels: { a: 'b' }, finalizers: ['x'] },
      spec: {
        users: [{ name: 'alice', groups: ['wheel'] }],
        args: ['-v'],
        selector: { matchLabels: { app: 'x' } },
        env: { HOME: '/root' },
        extra: { deep: { any: [1, 2] } },
      },
    }),
    {
      'f:metadata': { 'f:finalizers': { 'v:"x"': {} }, 'f:labels': { 'f:a': {} } },
      'f:spec': {
        'f:args': {},
        'f:env': { 'f:HOME': {} },
        'f:extra': { 'f:deep': { '.': {}, 'f:any': {} } },
        'f:selector': {},
        'f:users': { 'k:{"name":"alice"}': { '.': {}, 'f:groups': { 'v:"wheel"': {} }, 'f:name': {} } },
      },
    },
  );
  assert.deepEqual(fields({ spec: { env: {} } }), { 'f:spec': { 'f:env': {} } }, 'an empty map is a leaf');
});

void test('merge: the applied side wins leaf by leaf; list-map items merge by key, live order kept, new ones after; atomic values replaced', () => {
  const live = {
    spec: {
      address: 'a',
      users: [{ name: 'bob' }, { name: 'alice', groups: ['x'] }],
      args: ['1', '2'],
      selector: { matchLabels: { a: '1', b: '2' } },
      env: { A: '1' },
    },
  };
  const config = {
    spec: {
      address: 'b',
      users: [{ name: 'alice', groups: ['y'] }, { name: 'carol' }],
      args: ['3'],
      selector: { matchLabels: { c: '3' } },
      env: { B: '2' },
    },
  };
  assert.deepEqual(merge(live, config, THING), {
    spec: {
      address: 'b',
      users: [{ name: 'bob' }, { name: 'alice', groups: ['x', 'y'] }, { name: 'carol' }],
      args: ['3'],
      selector: { matchLabels: { c: '3' } },
      env: { A: '1', B: '2' },
    },
  });
});

void test('compare reports added, modified and removed leaves and items', () => {
  const c = compare(
    { spec: { address: 'a', users: [{ name: 'bob' }], env: { A: '1' } } },
    { spec: { address: 'b', users: [{ name: 'alice' }], env: { A: '1', B: '2' } } },
    THING,
  );
  assert.deepEqual(c.modified.toFieldsV1(), { 'f:spec': { 'f:address': {} } });
  assert.deepEqual(c.added.toFieldsV1(), {
    'f:spec': { 'f:env': { 'f:B': {} }, 'f:users': { 'k:{"name":"alice"}': { '.': {}, 'f:name': {} } } },
  });
  assert.deepEqual(c.removed.toFieldsV1(), { 'f:spec': { 'f:users': { 'k:{"name":"bob"}': { '.': {}, 'f:name': {} } } } });
});

void test('removeItems takes out list items and keys (an emptied map is null, as in Go)', () => {
  const set = FieldSet.of(
    [fieldElement('spec'), fieldElement('users'), keyElement([['name', 'bob']])],
    [fieldElement('spec'), fieldElement('env'), fieldElement('A')],
  );
  assert.deepEqual(removeItems({ spec: { users: [{ name: 'bob' }, { name: 'al' }], env: { A: '1' }, address: 'x' } }, set, THING), {
    spec: { users: [{ name: 'al' }], env: null, address: 'x' },
  });
});

void test('a configuration that does not fit its type says where', () => {
  assert.deepEqual(
    typeProblems({ spec: { users: [{ groups: [] }, { name: 'a' }, { name: 'a' }], address: { no: 1 }, args: 'x', colour: 'red' } }, THING),
    [
      '.spec.users: element 0: associative list with keys has an element that omits key field "name" (and doesn\'t have default value)',
      '.spec.users: duplicate entries for key [name="a"]',
      '.spec.address: expected scalar, got map',
      '.spec.args: expected list, got string',
      '.spec.colour: field not declared in schema',
    ],
  );
});
