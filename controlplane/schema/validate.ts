// validateObject: what the apiextensions-apiserver does to a custom resource on create/update
// after pruning and defaulting — the OpenAPI v3 value checks (kube-openapi's SchemaValidator)
// then the x-kubernetes-validations CEL rules, reported as field causes with Kubernetes' wording.
import type { FieldCause, JSONSchemaProps } from './types.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import { invalid, notSupported, required, tooLong, tooMany, typeInvalid, duplicate } from './field-errors.ts';
import { matchesNumberFormat, matchesStringFormat } from './formats.ts';
import { canonicalKey, deepEqual, isObject, jsonTypeName } from './json-value.ts';
import type { JsonObject } from './json-value.ts';
import { evaluateRules } from './rules.ts';

/** The old value at the same place in the stored object, when one correlates. */
type OldValue = { value: unknown } | undefined;

const patternCache = new Map<string, RegExp | null>();

function compilePattern(pattern: string): RegExp | null {
  if (!patternCache.has(pattern)) {
    let re: RegExp | null = null;
    try {
      re = new RegExp(pattern, 'u');
    } catch {
      re = null;
    }
    patternCache.set(pattern, re);
  }
  return patternCache.get(pattern) ?? null;
}

function where(path: string): string {
  return path === '' ? 'body' : `${path} in body`;
}

function typeMatches(type: NonNullable<JSONSchemaProps['type']>, value: unknown): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
  }
}

/** Checks the value's type; false (with a cause added) stops further checks of this node. */
function checkType(schema: JSONSchemaProps, value: unknown, path: string, out: FieldCause[]): boolean {
  if (value === null || value === undefined) {
    if (schema.nullable) return false;
    const expected = schema.type ?? (schema['x-kubernetes-int-or-string'] ? 'integer,string' : undefined);
    if (expected) out.push(typeInvalid(path, 'null', `${where(path)} must be of type ${expected}: "null"`));
    return false;
  }
  const actual = jsonTypeName(value);
  if (schema['x-kubernetes-int-or-string']) {
    if (typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))) return true;
    out.push(typeInvalid(path, actual, `${where(path)} must be of type integer,string: "${actual}"`));
    return false;
  }
  if (schema.type && !typeMatches(schema.type, value)) {
    out.push(typeInvalid(path, actual, `${where(path)} must be of type ${schema.type}: "${actual}"`));
    return false;
  }
  return true;
}

function checkString(schema: JSONSchemaProps, value: string, path: string, out: FieldCause[]): void {
  const length = [...value].length;
  if (schema.maxLength !== undefined && length > schema.maxLength) out.push(tooLong(path, schema.maxLength));
  if (schema.minLength !== undefined && length < schema.minLength) {
    out.push(invalid(path, value, `${where(path)} should be at least ${schema.minLength} chars long`));
  }
  if (schema.pattern !== undefined) {
    const re = compilePattern(schema.pattern);
    if (!re) out.push(invalid(path, value, `${where(path)} has an invalid pattern '${schema.pattern}'`));
    else if (!re.test(value)) out.push(invalid(path, value, `${where(path)} should match '${schema.pattern}'`));
  }
  if (schema.format !== undefined && !matchesStringFormat(schema.format, value)) {
    out.push(typeInvalid(path, value, `${where(path)} must be of type ${schema.format}: ${JSON.stringify(value)}`));
  }
}

function checkNumber(schema: JSONSchemaProps, value: number, path: string, out: FieldCause[]): void {
  if (schema.format !== undefined && !matchesNumberFormat(schema.format, value)) {
    out.push(typeInvalid(path, value, `${where(path)} must be of type ${schema.format}: "${value}"`));
  }
  if (schema.maximum !== undefined) {
    if (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum) {
      const words = schema.exclusiveMaximum ? 'less than' : 'less than or equal to';
      out.push(invalid(path, value, `${where(path)} should be ${words} ${schema.maximum}`));
    }
  }
  if (schema.minimum !== undefined) {
    if (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum) {
      const words = schema.exclusiveMinimum ? 'greater than' : 'greater than or equal to';
      out.push(invalid(path, value, `${where(path)} should be ${words} ${schema.minimum}`));
    }
  }
  if (schema.multipleOf !== undefined && schema.multipleOf > 0) {
    const q = value / schema.multipleOf;
    if (Math.abs(q - Math.round(q)) > 1e-9) out.push(invalid(path, value, `${where(path)} should be a multiple of ${schema.multipleOf}`));
  }
}

function listMapKey(item: unknown, keys: string[]): JsonObject | undefined {
  if (!isObject(item)) return undefined;
  const out: JsonObject = {};
  for (const k of keys) out[k] = item[k];
  return out;
}

function correlateListItem(schema: JSONSchemaProps, item: unknown, old: OldValue): OldValue {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (!old || schema['x-kubernetes-list-type'] !== 'map' || !keys || !Array.isArray(old.value)) return undefined;
  const wanted = canonicalKey(listMapKey(item, keys));
  const match = old.value.find((o) => canonicalKey(listMapKey(o, keys)) === wanted);
  return match === undefined ? undefined : { value: match };
}

function checkArray(schema: JSONSchemaProps, value: unknown[], path: string, old: OldValue, out: FieldCause[]): void {
  if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(tooMany(path, value.length, schema.maxItems));
  if (schema.minItems !== undefined && value.length < schema.minItems) {
    out.push(invalid(path, value.length, `${where(path)} should have at least ${schema.minItems} items`));
  }
  if (schema.uniqueItems && new Set(value.map(canonicalKey)).size !== value.length) {
    out.push(invalid(path, '', `${where(path)} shouldn't contain duplicates`));
  }
  const listType = schema['x-kubernetes-list-type'];
  const mapKeys = schema['x-kubernetes-list-map-keys'] ?? [];
  if (listType === 'set' || listType === 'map') {
    const seen = new Set<string>();
    value.forEach((item, i) => {
      const identity = listType === 'set' ? item : listMapKey(item, mapKeys);
      if (identity === undefined) return;
      const key = canonicalKey(identity);
      if (seen.has(key)) out.push(duplicate(indexPath(path, i), identity));
      seen.add(key);
    });
  }
  if (schema.items) {
    const items = schema.items;
    value.forEach((item, i) => validateNode(items, item, indexPath(path, i), correlateListItem(schema, item, old), false, out));
  }
}

function checkObject(schema: JSONSchemaProps, value: JsonObject, path: string, old: OldValue, atRoot: boolean, out: FieldCause[]): void {
  const keys = Object.keys(value);
  if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) out.push(tooMany(path, keys.length, schema.maxProperties));
  if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
    out.push(invalid(path, keys.length, `${where(path)} should have at least ${schema.minProperties} properties`));
  }
  for (const name of schema.required ?? []) {
    if (value[name] === undefined) out.push(required(childPath(path, name)));
  }
  const skipMetadata = atRoot || schema['x-kubernetes-embedded-resource'] === true;
  const oldObject = old && isObject(old.value) ? old.value : undefined;
  for (const key of keys) {
    if (skipMetadata && key === 'metadata') continue;
    const oldChild: OldValue = oldObject && key in oldObject ? { value: oldObject[key] } : undefined;
    const property = schema.properties?.[key];
    if (property) {
      validateNode(property, value[key], childPath(path, key), oldChild, false, out);
    } else if (schema.additionalProperties === false) {
      out.push(invalid(childPath(path, key), '', `${childPath(path, key)} in body is a forbidden property`));
    } else if (typeof schema.additionalProperties === 'object') {
      validateNode(schema.additionalProperties, value[key], keyPath(path, key), oldChild, false, out);
    }
  }
}

function checkCombinators(schema: JSONSchemaProps, value: unknown, path: string, out: FieldCause[]): void {
  for (const sub of schema.allOf ?? []) validateNode(sub, value, path, undefined, false, out);
  if (schema.anyOf && schema.anyOf.length > 0) {
    const results = schema.anyOf.map((sub) => collect(sub, value, path));
    if (!results.some((r) => r.length === 0)) {
      out.push(invalid(path, value, `${where(path)} must validate at least one schema (anyOf)`));
      out.push(...fewest(results));
    }
  }
  if (schema.oneOf && schema.oneOf.length > 0) {
    const results = schema.oneOf.map((sub) => collect(sub, value, path));
    const passing = results.filter((r) => r.length === 0).length;
    if (passing !== 1) {
      out.push(invalid(path, value, `${where(path)} must validate one and only one schema (oneOf)`));
      if (passing === 0) out.push(...fewest(results));
    }
  }
  if (schema.not && collect(schema.not, value, path).length === 0) {
    out.push(invalid(path, value, `${where(path)} must not validate the schema (not)`));
  }
}

function collect(schema: JSONSchemaProps, value: unknown, path: string): FieldCause[] {
  const out: FieldCause[] = [];
  validateNode(schema, value, path, undefined, false, out);
  return out;
}

/** The failures of the branch that came closest, as kube-openapi merges its "best" result. */
function fewest(results: FieldCause[][]): FieldCause[] {
  return results.reduce((best, r) => (r.length < best.length ? r : best));
}

function validateNode(schema: JSONSchemaProps, value: unknown, path: string, old: OldValue, atRoot: boolean, out: FieldCause[]): void {
  const before = out.length;
  if (!checkType(schema, value, path, out)) return;
  if (schema.enum && !schema.enum.some((allowed) => deepEqual(allowed, value))) out.push(notSupported(path, value, schema.enum));
  if (typeof value === 'string') checkString(schema, value, path, out);
  else if (typeof value === 'number') checkNumber(schema, value, path, out);
  else if (Array.isArray(value)) checkArray(schema, value, path, old, out);
  else if (isObject(value)) checkObject(schema, value, path, old, atRoot, out);
  checkCombinators(schema, value, path, out);
  if (schema['x-kubernetes-validations']?.length) {
    evaluateRules(schema, value, path, old, atRoot, out.length === before, out);
  }
}

/**
 * Validates a whole custom resource against the openAPIV3Schema of its CRD version. `metadata`
 * is left to the control plane. With `oldObject` (an update), transition rules that use
 * `oldSelf` are evaluated too. Returns every cause found; an empty list means valid.
 */
export function validateObject(schema: JSONSchemaProps, obj: unknown, options?: { oldObject?: unknown }): FieldCause[] {
  const out: FieldCause[] = [];
  const old: OldValue = options?.oldObject === undefined ? undefined : { value: options.oldObject };
  validateNode(schema, obj, '', old, true, out);
  return out;
}
