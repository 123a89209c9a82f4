// Builds FieldCauses worded the way k8s.io/apimachinery's field.Error renders them, so a
// rejection from the embedded control plane reads exactly like one from a real API server.
import type { FieldCause, FieldCauseReason } from './types.ts';

/** Renders a bad value the way field.Error.ErrorBody does (%q for strings, %v for scalars). */
export function renderValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  // Go prints composite values with %#v; JSON is the readable equivalent for plain data.
  return JSON.stringify(value);
}

function cause(reason: FieldCauseReason, field: string, message: string): FieldCause {
  return { reason, field, message };
}

function withDetail(body: string, detail: string): string {
  return detail ? `${body}: ${detail}` : body;
}

export function invalid(field: string, value: unknown, detail: string): FieldCause {
  return cause('FieldValueInvalid', field, withDetail(`Invalid value: ${renderValue(value)}`, detail));
}

export function typeInvalid(field: string, value: unknown, detail: string): FieldCause {
  return cause('FieldValueTypeInvalid', field, withDetail(`Invalid value: ${renderValue(value)}`, detail));
}

export function required(field: string, detail = ''): FieldCause {
  return cause('FieldValueRequired', field, withDetail('Required value', detail));
}

export function forbidden(field: string, detail: string): FieldCause {
  return cause('FieldValueForbidden', field, withDetail('Forbidden', detail));
}

export function duplicate(field: string, value: unknown): FieldCause {
  return cause('FieldValueDuplicate', field, `Duplicate value: ${renderValue(value)}`);
}

export function notSupported(field: string, value: unknown, supported: unknown[]): FieldCause {
  const quoted = supported.map((v) => (typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(JSON.stringify(v))));
  return cause('FieldValueNotSupported', field, `Unsupported value: ${renderValue(value)}: supported values: ${quoted.join(', ')}`);
}

export function tooLong(field: string, maxLength: number): FieldCause {
  return cause('FieldValueTooLong', field, `Too long: may not be more than ${maxLength} bytes`);
}

export function tooMany(field: string, actual: number, max: number): FieldCause {
  return cause('FieldValueTooMany', field, `Too many: ${actual}: must have at most ${max} ${max === 1 ? 'item' : 'items'}`);
}
