// x-kubernetes-validations at one schema node: each rule is a CEL expression over `self` that
// must be true. Failures are worded as the apiserver words them ("Invalid value: \"object\": …").
import type { FieldCause, JSONSchemaProps, ValidationRule } from './types.ts';
import { compileRule, describeCelError, toCelValue } from './cel.ts';
import { appendRelativePath } from './field-path.ts';
import { forbidden, invalid, required, duplicate } from './field-errors.ts';

const maxMessageLength = 5000;

function defaultMessage(rule: ValidationRule): string {
  return rule.message?.trim() ? rule.message : `failed rule: ${rule.rule.trim()}`;
}

function messageFor(rule: ValidationRule, context: Record<string, unknown>): string {
  if (rule.messageExpression) {
    const compiled = compileRule(rule.messageExpression);
    if (compiled.ok) {
      try {
        const text: unknown = compiled.program(context);
        // Kubernetes falls back to `message` when the expression yields nothing usable.
        if (typeof text === 'string' && text.trim() !== '' && !/[\r\n]/.test(text) && text.length <= maxMessageLength) return text;
      } catch {
        // fall through to the static message
      }
    }
  }
  return defaultMessage(rule);
}

function failure(rule: ValidationRule, field: string, typeName: string, detail: string): FieldCause {
  switch (rule.reason) {
    case 'FieldValueRequired':
      return required(field, detail);
    case 'FieldValueForbidden':
      return forbidden(field, detail);
    case 'FieldValueDuplicate':
      return duplicate(field, typeName);
    default:
      return invalid(field, typeName, detail);
  }
}

/**
 * Evaluates the rules of one node. `subtreeClean` is false when structural checks below this
 * node already failed: an evaluation error there (a missing key) would only repeat them.
 */
export function evaluateRules(
  schema: JSONSchemaProps,
  value: unknown,
  path: string,
  old: { value: unknown } | undefined,
  atRoot: boolean,
  subtreeClean: boolean,
  out: FieldCause[],
): void {
  const typeName = schema.type ?? '';
  let self: unknown;
  let oldSelf: unknown;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const compiled = compileRule(rule.rule);
    if (!compiled.ok) {
      out.push(invalid(path, typeName, `rule compile error: ${compiled.error}`));
      continue;
    }
    // Transition rules only apply to updates where the old value exists at this place.
    if (compiled.usesOldSelf && !old) continue;
    self ??= toCelValue(schema, value, atRoot);
    if (compiled.usesOldSelf && oldSelf === undefined) oldSelf = toCelValue(schema, old?.value, atRoot);
    const context = compiled.usesOldSelf ? { self, oldSelf } : { self };
    let result: unknown;
    try {
      result = compiled.program(context);
    } catch (err) {
      if (subtreeClean) out.push(invalid(path, typeName, `${rule.rule.trim()}: ${describeCelError(err)}`));
      continue;
    }
    if (result === true) continue;
    const field = rule.fieldPath ? appendRelativePath(path, rule.fieldPath) : path;
    if (result !== false) {
      out.push(invalid(field, typeName, `${rule.rule.trim()}: rule did not evaluate to a bool`));
      continue;
    }
    out.push(failure(rule, field, typeName, messageFor(rule, context)));
  }
}
