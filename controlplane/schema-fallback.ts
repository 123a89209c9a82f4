// A small structural-schema validator used only until `controlplane/schema/` (the full
// validator, written separately) is present. It covers the checks bramble's CRDs rely on
// most (types, required, enum, bounds, pattern, lengths), defaulting and pruning, with the
// messages kube-apiserver uses.
import type { FieldCause, JsonSchema } from './types.ts';

type S = JsonSchema & {
  type?: string;
  properties?: Record<string, S>;
  items?: S;
  additionalProperties?: S | boolean;
  required?: string[];
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function fmt(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' ? `"${typeName(v)}"` : String(v);
}

function check(schema: S, value: unknown, path: string, out: FieldCause[]): void {
  if (value === null) {
    if (!schema.nullable && schema.type) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: "null": ${path} in body must be of type ${schema.type}: "null"` });
    }
    return;
  }
  const actual = typeName(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (actual !== 'integer' && actual !== 'string') {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${fmt(value)}: ${path} in body must be of type integer,string: "${actual}"` });
    }
  } else if (schema.type && schema.type !== actual && !(schema.type === 'number' && actual === 'integer')) {
    out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: "${actual}": ${path} in body must be of type ${schema.type}: "${actual}"` });
    return;
  }
  if (schema.enum && !schema.enum.some((e) => JSON.stringify(e) === JSON.stringify(value))) {
    out.push({ reason: 'FieldValueNotSupported', field: path, message: `Unsupported value: ${fmt(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}` });
  }
  if (typeof value === 'number') {
    if (schema.maximum !== undefined && value > schema.maximum) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}` });
    }
    if (schema.minimum !== undefined && value < schema.minimum) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}` });
    }
  }
  if (typeof value === 'string') {
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
      out.push({ reason: 'FieldValueTooLong', field: path, message: `Too long: may not be more than ${schema.maxLength} bytes` });
    }
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should be at least ${schema.minLength} chars long` });
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${schema.pattern}'` });
    }
  }
  if (Array.isArray(value)) {
    if (schema.maxItems !== undefined && value.length > schema.maxItems) {
      out.push({ reason: 'FieldValueTooMany', field: path, message: `Too many: ${value.length}: must have at most ${schema.maxItems} items` });
    }
    if (schema.minItems !== undefined && value.length < schema.minItems) {
      out.push({ reason: 'FieldValueInvalid', field: path, message: `Invalid value: ${value.length}: ${path} in body should have at least ${schema.minItems} items` });
    }
    if (schema.items) value.forEach((item, i) => check(schema.items!, item, `${path}[${i}]`, out));
  } else if (typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    for (const r of schema.required ?? []) {
      if (obj[r] === undefined) out.push({ reason: 'FieldValueRequired', field: join(path, r), message: 'Required value' });
    }
    for (const [k, v] of Object.entries(obj)) {
      const sub = schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined);
      if (sub) check(sub, v, join(path, k), out);
    }
  }
}

export function validateObject(schema: JsonSchema, obj: unknown): FieldCause[] {
  const out: FieldCause[] = [];
  const root = schema as S;
  // metadata is validated by the server itself, not by the CRD schema.
  const { metadata: _m, ...rest } = obj as Record<string, unknown>;
  const rootWithoutMeta: S = { ...root, properties: { ...(root.properties ?? {}) } };
  delete rootWithoutMeta.properties!.metadata;
  check(rootWithoutMeta, rest, '', out);
  return out;
}

export function applyDefaults(schema: JsonSchema, obj: unknown): void {
  const s = schema as S;
  if (Array.isArray(obj)) {
    if (s.items) obj.forEach((item) => applyDefaults(s.items!, item));
    return;
  }
  if (obj === null || typeof obj !== 'object') return;
  const o = obj as Record<string, unknown>;
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    if (o[k] === undefined && sub.default !== undefined) o[k] = structuredClone(sub.default);
    if (o[k] !== undefined) applyDefaults(sub, o[k]);
  }
  if (typeof s.additionalProperties === 'object') {
    for (const v of Object.values(o)) applyDefaults(s.additionalProperties, v);
  }
}

export function pruneUnknownFields(schema: JsonSchema, obj: unknown, path = ''): string[] {
  const s = schema as S;
  const pruned: string[] = [];
  if (Array.isArray(obj)) {
    if (s.items) obj.forEach((item, i) => pruned.push(...pruneUnknownFields(s.items!, item, `${path}[${i}]`)));
    return pruned;
  }
  if (obj === null || typeof obj !== 'object' || s['x-kubernetes-preserve-unknown-fields']) return pruned;
  const o = obj as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (path === '' && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
    const sub = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
    if (sub) pruned.push(...pruneUnknownFields(sub, o[k], join(path, k)));
    else if (s.additionalProperties !== true) {
      delete o[k];
      pruned.push(join(path, k));
    }
  }
  return pruned;
}
