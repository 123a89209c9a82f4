import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from './registry.ts';
import { encodeOpenApiV2, openApiV2, toV2, wantsV2Protobuf } from './openapi-v2.ts';
import { readFields } from './protobuf/wire.ts';

void test('v3 schemas become v2 as the apiextensions-apiserver makes them (ToStructuralOpenAPIV2)', () => {
  assert.deepEqual(
    toV2({
      type: 'object',
      required: ['a', 'n'],
      properties: {
        a: { type: 'string', nullable: false },
        n: { type: 'object', nullable: true, properties: { x: { type: 'string' } } },
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { y: { type: 'string' } } },
        port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
        meta: { description: 'm', allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] },
        list: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'true' }] },
      },
    }),
    {
      type: 'object',
      required: ['a'],
      properties: {
        a: { type: 'string' },
        n: {},
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        meta: { $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', description: 'm' },
        list: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
      },
    },
  );
});

void test('the document defines ObjectMeta and every served kind, tagged with its group/version/kind; no paths', () => {
  const doc = openApiV2(new Registry()) as { swagger: string; paths: object; definitions: Record<string, Record<string, unknown>> };
  assert.equal(doc.swagger, '2.0');
  assert.deepEqual(doc.paths, {});
  assert.deepEqual(doc.definitions['io.k8s.api.core.v1.ConfigMap']!['x-kubernetes-group-version-kind'], [
    { group: '', version: 'v1', kind: 'ConfigMap' },
  ]);
  assert.ok(doc.definitions['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
});

void test("the protobuf form is gnostic's Document: swagger, info, empty paths, named definitions with vendor extensions as YAML", () => {
  const doc = {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: 'v1.32.0' },
    paths: {},
    definitions: {
      'x.v1.Thing': {
        type: 'object',
        description: 'd',
        properties: { n: { type: 'integer', minimum: 1 } },
        'x-kubernetes-group-version-kind': [{ group: 'x', version: 'v1', kind: 'Thing' }],
      },
    },
  };
  const fields = readFields(encodeOpenApiV2(doc));
  assert.deepEqual(
    fields.map((f) => f.num),
    [1, 2, 8, 9],
  );
  const named = readFields(readFields(fields[3]!.value as Buffer)[0]!.value as Buffer);
  assert.equal((named[0]!.value as Buffer).toString(), 'x.v1.Thing');
  const schema = readFields(named[1]!.value as Buffer);
  assert.deepEqual(
    schema.map((f) => f.num),
    [4, 22, 25, 31],
  );
  const ext = readFields(schema[3]!.value as Buffer);
  assert.equal((ext[0]!.value as Buffer).toString(), 'x-kubernetes-group-version-kind');
  assert.equal((readFields(ext[1]!.value as Buffer)[0]!.value as Buffer).toString(), '- group: x\n  version: v1\n  kind: Thing\n');
});

void test("content negotiation: client-go's protobuf Accept (either spelling) gets protobuf; JSON when preferred", () => {
  assert.equal(wantsV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf'), true);
  assert.equal(wantsV2Protobuf('application/com.github.proto-openapi.spec.v2.v1.0+protobuf, application/json'), true);
  assert.equal(
    wantsV2Protobuf('application/json, application/com.github.proto-openapi.spec.v2@v1.0+protobuf'),
    false,
    'equal q: the first listed wins',
  );
  assert.equal(wantsV2Protobuf('application/com.github.proto-openapi.spec.v2@v1.0+protobuf;q=0.5, application/json'), false);
  assert.equal(wantsV2Protobuf(undefined), false);
  assert.equal(wantsV2Protobuf('application/json'), false);
});
