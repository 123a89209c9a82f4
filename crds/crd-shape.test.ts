// The CRDs are acceptable to a real API server (structural, RE2 patterns, bounded CEL) and
// follow bramble's conventions: status subresource, category, short names, columns, conditions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStructural } from '../controlplane/schema/index.ts';
import type { JSONSchemaProps } from '../controlplane/schema/index.ts';
import { kindDefinitions } from './kinds.ts';
import { customResourceDefinitionOf } from './definition.ts';
import { piNodeCrd } from './pinode.ts';

const crds = kindDefinitions.map(customResourceDefinitionOf);

function schemaAt(schema: JSONSchemaProps, jsonPath: string): JSONSchemaProps | undefined {
  // ".status.conditions[?(@.type=="Ready")].status" → status, conditions, [], status
  const steps = jsonPath
    .replace(/\[\?\(@[^\]]*\)\]/g, '.[]')
    .split('.')
    .filter(Boolean);
  let node: JSONSchemaProps | undefined = schema;
  for (const step of steps) {
    if (!node) return undefined;
    if (step === '[]') node = node.items;
    else if (step === 'metadata' && node === schema) return { type: 'object' };
    else node = node.properties?.[step];
  }
  return node;
}

for (const crd of crds) {
  const version = crd.spec.versions[0]!;
  const schema = version.schema.openAPIV3Schema as JSONSchemaProps;
  const kind = crd.spec.names.kind;

  void test(`${kind}: the schema is structural, its patterns run in RE2 and its CEL rules are bounded`, () => {
    assert.deepEqual(checkStructural(schema), []);
  });

  void test(`${kind}: group, version, scope, names, category`, () => {
    assert.equal(crd.metadata.name, `${crd.spec.names.plural}.bramble.dev`);
    assert.equal(crd.spec.group, 'bramble.dev');
    assert.equal(version.name, 'v1alpha1');
    assert.equal(crd.spec.scope, 'Namespaced');
    assert.ok(crd.spec.names.shortNames.length > 0);
    assert.deepEqual(crd.spec.names.categories, ['bramble']);
    assert.deepEqual(version.subresources, { status: {} });
    assert.deepEqual(schema.required, ['spec']);
  });

  void test(`${kind}: conditions are a map list keyed by type with metav1.Condition's fields`, () => {
    const conditions = schema.properties?.status?.properties?.conditions;
    assert.equal(conditions?.['x-kubernetes-list-type'], 'map');
    assert.deepEqual(conditions?.['x-kubernetes-list-map-keys'], ['type']);
    assert.deepEqual(Object.keys(conditions?.items?.properties ?? {}).sort(), [
      'lastTransitionTime',
      'message',
      'observedGeneration',
      'reason',
      'status',
      'type',
    ]);
    assert.deepEqual([...(conditions?.items?.required ?? [])].sort(), ['lastTransitionTime', 'message', 'reason', 'status', 'type']);
    assert.equal(schema.properties?.status?.properties?.observedGeneration?.type, 'integer');
  });

  void test(`${kind}: every printer column points at a field the schema has, of the column's type`, () => {
    const names = version.additionalPrinterColumns.map((c) => c.name);
    assert.ok(names.includes('Ready') && names.includes('Age'));
    for (const column of version.additionalPrinterColumns) {
      const field = schemaAt(schema, column.jsonPath);
      assert.ok(field, `${column.name}: ${column.jsonPath}`);
      if (column.type !== 'date' && field.type !== 'object') {
        assert.equal(field.type, column.type === 'boolean' ? 'boolean' : column.type, `${column.name} type`);
      }
    }
  });
}

void test('PiNode columns: Address, Model, Temp, Ready, Age; Hostname and Arch with -o wide', () => {
  const columns = piNodeCrd.spec.versions[0]!.additionalPrinterColumns;
  assert.deepEqual(
    columns.filter((c) => !c.priority).map((c) => c.name),
    ['Address', 'Model', 'Temp', 'Ready', 'Age'],
  );
  assert.deepEqual(
    columns.filter((c) => c.priority === 1).map((c) => c.name),
    ['Hostname', 'Arch'],
  );
});

void test('short names do not collide across kinds', () => {
  const all = crds.flatMap((c) => c.spec.names.shortNames);
  assert.equal(new Set(all).size, all.length);
});

/** Every string a user can put in spec, with where it is. */
function specStrings(node: JSONSchemaProps, path: string, out: { path: string; node: JSONSchemaProps }[]): void {
  if (node.type === 'string') out.push({ path, node });
  for (const [name, child] of Object.entries(node.properties ?? {})) specStrings(child, `${path}.${name}`, out);
  if (node.items) specStrings(node.items, `${path}[]`, out);
  if (typeof node.additionalProperties === 'object') specStrings(node.additionalProperties, `${path}[*]`, out);
}

void test('every string in every spec is pinned by a pattern, an enum or formats, and bounded in length', () => {
  for (const crd of crds) {
    const schema = crd.spec.versions[0]!.schema.openAPIV3Schema as JSONSchemaProps;
    const strings: { path: string; node: JSONSchemaProps }[] = [];
    specStrings(schema.properties!.spec!, 'spec', strings);
    assert.ok(strings.length > 3, crd.spec.names.kind);
    for (const { path, node } of strings) {
      const pinned = node.pattern !== undefined || node.enum !== undefined || (node.anyOf?.length ?? 0) > 0;
      assert.ok(pinned, `${crd.spec.names.kind} ${path} is constrained`);
      assert.ok(node.enum !== undefined || node.maxLength !== undefined, `${crd.spec.names.kind} ${path} has maxLength`);
    }
  }
});
