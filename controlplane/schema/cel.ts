// CEL as x-kubernetes-validations use it: `self` is the value at the rule's node, `oldSelf` the
// same value in the stored object (transition rules). Values are converted the way the
// apiserver types them: schema integers become CEL ints (BigInt), metadata shows only
// name/generateName. Programs are compiled once per rule text.
import { Environment } from '@marcbachmann/cel-js';
import type { ParseResult } from '@marcbachmann/cel-js';
import type { JSONSchemaProps } from './types.ts';

const environment = new Environment({ homogeneousAggregateLiterals: false })
  .registerVariable('self', 'dyn')
  .registerVariable('oldSelf', 'dyn');
// cel-js already ships the Kubernetes string extensions bramble's rules use (split, join,
// lowerAscii, trim); add any further library function here before a rule relies on it.

export type CompiledRule = { ok: true; program: ParseResult; usesOldSelf: boolean } | { ok: false; error: string };

const cache = new Map<string, CompiledRule>();

export function describeCelError(err: unknown): string {
  if (err && typeof err === 'object' && 'summary' in err && typeof err.summary === 'string') return err.summary;
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0] ?? message;
}

export function compileRule(expression: string): CompiledRule {
  const hit = cache.get(expression);
  if (hit) return hit;
  let compiled: CompiledRule;
  try {
    compiled = { ok: true, program: environment.parse(expression), usesOldSelf: /\boldSelf\b/.test(expression) };
  } catch (err) {
    compiled = { ok: false, error: describeCelError(err) };
  }
  cache.set(expression, compiled);
  return compiled;
}

function isIntegral(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** Converts plain JSON into CEL values typed by the schema (integers as BigInt). */
export function toCelValue(schema: JSONSchemaProps | undefined, value: unknown, atRoot = false): unknown {
  if (value === null || value === undefined) return value;
  if (typeof value === 'number') {
    const integer = schema?.type === 'integer' || schema?.['x-kubernetes-int-or-string'] === true || (!schema?.type && isIntegral(value));
    return integer && isIntegral(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) return value.map((item) => toCelValue(schema?.items, item));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if ((atRoot || schema?.['x-kubernetes-embedded-resource']) && key === 'metadata') {
        out[key] = metadataView(child);
        continue;
      }
      const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
      out[key] = toCelValue(schema?.properties?.[key] ?? additional, child);
    }
    return out;
  }
  return value;
}

function metadataView(metadata: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (metadata && typeof metadata === 'object') {
    const m = metadata as Record<string, unknown>;
    if (typeof m.name === 'string') out.name = m.name;
    if (typeof m.generateName === 'string') out.generateName = m.generateName;
  }
  return out;
}
