import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describePath, fieldElement, FieldSet, keyElement, parseElement, valueElement, indexElement } from './fieldpath.ts';

const f = fieldElement;

void test('FieldsV1 as kube-apiserver writes it reads back to the same set and writes out the same', () => {
  // From a Deployment's managedFields: list-map items (with "."), set values, nested fields.
  const fields = {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
    'f:spec': {
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"nginx"}': {
              '.': {},
              'f:image': {},
              'f:name': {},
              'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            },
          },
          'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} },
        },
      },
    },
  };
  const set = FieldSet.fromFieldsV1(fields);
  assert.ok(set.has([f('metadata'), f('labels')]), '"." makes a node with children a member');
  assert.ok(set.has([f('metadata'), f('labels'), f('app')]));
  assert.ok(!set.has([f('spec')]), 'a node without "." is not a member');
  const item = keyElement([['name', 'nginx']]);
  assert.ok(set.has([f('spec'), f('template'), f('spec'), f('containers'), item]));
  assert.ok(
    set.has([
      f('spec'),
      f('template'),
      f('spec'),
      f('containers'),
      item,
      f('ports'),
      keyElement([
        ['protocol', 'TCP'],
        ['containerPort', 80],
      ]),
    ]),
    'key fields are sorted',
  );
  assert.deepEqual(set.toFieldsV1(), fields);
});

void test('path elements parse from and describe as kube-apiserver spells them', () => {
  assert.equal(parseElement('k:{"port":80,"protocol":"TCP"}').key, 'k:{"port":80,"protocol":"TCP"}');
  assert.equal(parseElement('k:{"protocol":"TCP","port":80}').key, 'k:{"port":80,"protocol":"TCP"}');
  assert.equal(parseElement('v:"x"').key, valueElement('x').key);
  assert.equal(parseElement('i:3').key, indexElement(3).key);
  assert.throws(() => parseElement('z:1'), /unknown path element type/);
  assert.throws(() => parseElement('f'), /missing colon/);
  assert.equal(
    describePath([f('spec'), f('users'), keyElement([['name', 'alice']]), f('groups'), valueElement('wheel')]),
    '.spec.users[name="alice"].groups[="wheel"]',
  );
});

void test('difference keeps what is below a removed member; recursive difference drops it too', () => {
  const a = FieldSet.of([f('spec')], [f('spec'), f('x')], [f('status'), f('y')]);
  const b = FieldSet.of([f('spec')], [f('status')]);
  assert.deepEqual(a.difference(b).toFieldsV1(), { 'f:spec': { 'f:x': {} }, 'f:status': { 'f:y': {} } });
  assert.deepEqual(a.recursiveDifference(b).toFieldsV1(), {});
  assert.deepEqual(a.intersection(FieldSet.of([f('spec'), f('x')])).toFieldsV1(), { 'f:spec': { 'f:x': {} } });
  assert.deepEqual(
    FieldSet.of([f('a')])
      .union(FieldSet.of([f('a'), f('b')]))
      .toFieldsV1(),
    { 'f:a': { '.': {}, 'f:b': {} } },
  );
  assert.ok(
    FieldSet.of([f('a'), f('b')])
      .difference(FieldSet.of([f('a'), f('b')]))
      .empty(),
  );
  assert.deepEqual(
    FieldSet.of([f('b')], [f('a'), f('c')])
      .paths()
      .map((p) => describePath(p)),
    ['.b', '.a.c'],
  );
});
