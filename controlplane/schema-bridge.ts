// The CRD schema validator the server admits custom resources with: controlplane/schema/, the
// one implementation (no weaker fallback that could quietly let hostile input through).
import * as schema from './schema/index.ts';
import type { FieldCause, JsonSchema } from './types.ts';

export interface SchemaValidator {
  validateObject(schema: JsonSchema, obj: unknown, options?: { oldObject?: unknown }): FieldCause[];
  applyDefaults(schema: JsonSchema, obj: unknown): void;
  pruneUnknownFields(schema: JsonSchema, obj: unknown): string[];
  /** Violations of the structural-schema rules, one line each. */
  checkStructural(schema: JsonSchema): string[];
}

const validator: SchemaValidator = schema;

export function loadSchemaValidator(): Promise<SchemaValidator> {
  return Promise.resolve(validator);
}
