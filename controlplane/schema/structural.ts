// checkStructural: the rules Kubernetes applies to a CRD's schema before it accepts the CRD
// (a "structural schema"), plus the two limits of running it for real: patterns must compile
// in Go's RE2, and CEL rules must pass the cost estimate (bounded strings and lists).
// Returns one line per violation; empty means the schema is acceptable.
import type { JSONSchemaProps } from './types.ts';
import { childPath } from './field-path.ts';
import { compileRule } from './cel.ts';
import { validateObject } from './validate.ts';

const forbiddenInCombinators = [
  'type',
  'additionalProperties',
  'default',
  'nullable',
  'description',
  'x-kubernetes-preserve-unknown-fields',
  'x-kubernetes-int-or-string',
  'x-kubernetes-embedded-resource',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
] as const;

const scalarTypes = new Set(['string', 'integer', 'number', 'boolean']);

/** Constructs JavaScript accepts but RE2 does not: lookaround, backreferences, named backreferences. */
export function re2Incompatibility(pattern: string): string | undefined {
  if (/\(\?<?[=!]/.test(pattern)) return 'lookahead/lookbehind is not supported by RE2';
  if (/(^|[^\\])(\\\\)*\\[1-9]/.test(pattern)) return 'backreferences are not supported by RE2';
  if (/\\k</.test(pattern)) return 'named backreferences are not supported by RE2';
  try {
    new RegExp(pattern, 'u');
  } catch (err) {
    return `does not compile: ${(err as Error).message}`;
  }
  return undefined;
}

function checkCombinator(schema: JSONSchemaProps, path: string, out: string[]): void {
  for (const key of forbiddenInCombinators) {
    if (schema[key] !== undefined) out.push(`${path}: ${key} must not be set inside anyOf/allOf/oneOf/not`);
  }
  for (const [name, sub] of Object.entries(schema.properties ?? {})) checkCombinator(sub, childPath(path, name), out);
  if (schema.items) checkCombinator(schema.items, `${path}.items`, out);
}

/** Strings, lists and maps below a CEL rule need bounds, or the cost estimate rejects the rule. */
function checkBounded(schema: JSONSchemaProps, path: string, out: string[]): void {
  if (schema.type === 'string' && schema.maxLength === undefined && schema.enum === undefined && schema.format !== 'date-time') {
    out.push(`${path}: string under a CEL rule needs maxLength`);
  }
  if (schema.type === 'array') {
    if (schema.maxItems === undefined) out.push(`${path}: list under a CEL rule needs maxItems`);
    if (schema.items) checkBounded(schema.items, `${path}[*]`, out);
  }
  if (schema.type === 'object') {
    for (const [name, sub] of Object.entries(schema.properties ?? {})) checkBounded(sub, childPath(path, name), out);
    if (typeof schema.additionalProperties === 'object') {
      if (schema.maxProperties === undefined) out.push(`${path}: map under a CEL rule needs maxProperties`);
      checkBounded(schema.additionalProperties, `${path}[*]`, out);
    }
  }
}

function checkListType(schema: JSONSchemaProps, path: string, out: string[]): void {
  const listType = schema['x-kubernetes-list-type'];
  if (!listType) return;
  if (schema.type !== 'array') out.push(`${path}: x-kubernetes-list-type needs type array`);
  const items = schema.items;
  if (listType === 'set' && items && !scalarTypes.has(items.type ?? '')) out.push(`${path}: a set's items must be scalars`);
  if (listType === 'map') {
    const keys = schema['x-kubernetes-list-map-keys'] ?? [];
    if (keys.length === 0) out.push(`${path}: listType map needs x-kubernetes-list-map-keys`);
    if (items?.type !== 'object') out.push(`${path}: a map list's items must be objects`);
    for (const key of keys) {
      const keySchema = items?.properties?.[key];
      if (!keySchema) out.push(`${path}: map key ${key} is not a property of the items`);
      else if (!scalarTypes.has(keySchema.type ?? '')) out.push(`${path}: map key ${key} must be a scalar`);
      else if (!items?.required?.includes(key) && keySchema.default === undefined)
        out.push(`${path}: map key ${key} must be required or defaulted`);
    }
  } else if (schema['x-kubernetes-list-map-keys']) {
    out.push(`${path}: x-kubernetes-list-map-keys needs listType map`);
  }
}

function checkNode(schema: JSONSchemaProps, path: string, atRoot: boolean, out: string[]): void {
  const intOrString = schema['x-kubernetes-int-or-string'] === true;
  const preserve = schema['x-kubernetes-preserve-unknown-fields'] === true;
  if (!schema.type && !intOrString && !preserve) out.push(`${path || '<root>'}: type must not be empty`);
  if (intOrString && schema.type) out.push(`${path}: x-kubernetes-int-or-string must not set type`);
  if (schema.properties && schema.additionalProperties !== undefined)
    out.push(`${path}: properties and additionalProperties are mutually exclusive`);
  if (schema.additionalProperties === false) out.push(`${path}: additionalProperties: false is not allowed`);
  if (schema.uniqueItems) out.push(`${path}: uniqueItems is not allowed (use x-kubernetes-list-type: set)`);
  if (schema.pattern !== undefined) {
    const problem = re2Incompatibility(schema.pattern);
    if (problem) out.push(`${path}: pattern ${problem}`);
  }
  if (schema.default !== undefined && !atRoot) {
    for (const cause of validateObject({ ...schema, 'x-kubernetes-validations': undefined }, structuredClone(schema.default))) {
      out.push(`${path}: default is invalid: ${cause.message}`);
    }
  }
  checkListType(schema, path, out);
  for (const sub of [...(schema.anyOf ?? []), ...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.not ? [schema.not] : [])]) {
    if (!intOrString) checkCombinator(sub, path, out);
  }
  const rules = schema['x-kubernetes-validations'] ?? [];
  for (const rule of rules) {
    for (const text of [rule.rule, rule.messageExpression]) {
      if (text === undefined) continue;
      const compiled = compileRule(text);
      if (!compiled.ok) out.push(`${path}: CEL "${text}" does not compile: ${compiled.error}`);
    }
  }
  if (rules.length > 0 && !atRoot) checkBounded(schema, path || '<root>', out);
  for (const [name, sub] of Object.entries(schema.properties ?? {})) {
    if (atRoot && name === 'metadata') continue;
    checkNode(sub, childPath(path, name), false, out);
  }
  if (schema.items) checkNode(schema.items, `${path}[*]`, false, out);
  if (typeof schema.additionalProperties === 'object') checkNode(schema.additionalProperties, `${path}[*]`, false, out);
}

export function checkStructural(schema: JSONSchemaProps): string[] {
  const out: string[] = [];
  if (schema.type !== 'object') out.push('<root>: type must be object');
  checkNode(schema, '', true, out);
  return out;
}
