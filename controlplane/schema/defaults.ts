// applyDefaults: structural defaulting as the apiextensions-apiserver does it. A property that
// is absent — or null while not nullable — gets a deep copy of its default, then defaulting
// recurses into it, so nested defaults fill in too. Non-nullable nulls without a default are
// dropped, as Kubernetes drops them before validation.
import type { JSONSchemaProps } from './types.ts';
import { isObject } from './json-value.ts';

function copy<T>(value: T): T {
  return structuredClone(value);
}

function isNonNullableNull(value: unknown, schema: JSONSchemaProps): boolean {
  return value === null && !schema.nullable;
}

function defaultNode(schema: JSONSchemaProps, value: unknown, atRoot: boolean): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (!items) return;
    value.forEach((item, i) => {
      if (isNonNullableNull(item, items) && items.default !== undefined) value[i] = copy(items.default);
      defaultNode(items, value[i], false);
    });
    return;
  }
  if (!isObject(value)) return;
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (atRoot && name === 'metadata') continue;
    const current = value[name];
    if (current === undefined || isNonNullableNull(current, property)) {
      if (property.default !== undefined) value[name] = copy(property.default);
      else if (current === null) delete value[name];
    }
  }
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const key of Object.keys(value)) {
    if (atRoot && key === 'metadata') continue;
    const property = schema.properties?.[key];
    if (property) {
      defaultNode(property, value[key], false);
    } else if (additional) {
      if (isNonNullableNull(value[key], additional) && additional.default !== undefined) value[key] = copy(additional.default);
      defaultNode(additional, value[key], false);
    }
  }
}

/** Fills in schema defaults in place. */
export function applyDefaults(schema: JSONSchemaProps, obj: unknown): void {
  defaultNode(schema, obj, true);
}
