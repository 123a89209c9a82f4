// Builders for schemas that are at once TypeBox types (so `Static<>` gives the TypeScript type
// the code uses) and structural OpenAPI v3 (what the CRD YAML carries). TypeBox's own unions
// and records produce anyOf/const/patternProperties, which Kubernetes rejects, so enums and
// maps are built here as plain structural schemas with the static type attached.
import { Type } from '@sinclair/typebox';
import type { SchemaOptions, Static, TSchema, TUnsafe } from '@sinclair/typebox';

export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueDuplicate';
}

/** A string bounded in length (every string is: CEL cost and sanity) and usually by a pattern. */
export function BoundedString(description: string, maxLength: number, options: SchemaOptions = {}) {
  return Type.String({ description, maxLength, ...options });
}

export function PatternString(description: string, pattern: string, maxLength: number, options: SchemaOptions = {}) {
  return Type.String({ description, pattern, maxLength, ...options });
}

export function StringEnum<const V extends readonly string[]>(
  values: V,
  description: string,
  options: SchemaOptions = {},
): TUnsafe<V[number]> {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], description, ...options });
}

/** A map from string keys to values (additionalProperties); keys checked by CEL rules when needed. */
export function StringMap<V extends TSchema>(
  value: V,
  description: string,
  options: SchemaOptions = {},
): TUnsafe<Record<string, Static<V>>> {
  return Type.Unsafe<Record<string, Static<V>>>({ type: 'object', additionalProperties: value, description, ...options });
}

/** A list whose items are unique scalars (x-kubernetes-list-type: set). */
export function SetOf<T extends TSchema>(item: T, maxItems: number, description: string, options: SchemaOptions = {}) {
  return Type.Array(item, { description, maxItems, 'x-kubernetes-list-type': 'set', ...options });
}

/** A list of objects keyed by some of their fields (x-kubernetes-list-type: map). */
export function MapList<T extends TSchema>(item: T, keys: string[], maxItems: number, description: string, options: SchemaOptions = {}) {
  return Type.Array(item, { description, maxItems, 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys, ...options });
}

const keyOrder = [
  'description',
  'type',
  'format',
  'enum',
  'default',
  'nullable',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'exclusiveMinimum',
  'maximum',
  'exclusiveMaximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'properties',
  'additionalProperties',
  'items',
  'required',
  'anyOf',
  'allOf',
  'oneOf',
  'not',
];

function rank(key: string): number {
  const i = keyOrder.indexOf(key);
  return i < 0 ? keyOrder.length : i;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function normalize(node: unknown): Json {
  if (Array.isArray(node)) return node.map(normalize);
  if (node === null || typeof node !== 'object') return node as Json;
  const source = node as Record<string, unknown>;
  const out: Record<string, Json> = {};
  for (const key of Object.keys(source).sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))) {
    if (source[key] === undefined) continue;
    out[key] = normalize(source[key]);
  }
  // A property with a default is always present after defaulting, so the TypeScript type marks
  // it required, but the schema must not: users may leave it out.
  const properties = source.properties as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(out.required) && properties) {
    const required = out.required.filter((name) => typeof name === 'string' && properties[name]?.default === undefined);
    if (required.length > 0) out.required = required;
    else delete out.required;
  }
  return out;
}

/** The plain-JSON OpenAPI v3 schema of a TypeBox schema (symbols and TypeBox-only keys dropped). */
export function toOpenApi(schema: TSchema): Record<string, unknown> {
  return normalize(JSON.parse(JSON.stringify(schema))) as Record<string, unknown>;
}
