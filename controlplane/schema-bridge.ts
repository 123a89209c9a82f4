// Calls the CRD schema validator in `controlplane/schema/` (written separately) when it is
// present, and the small fallback otherwise, so the server works while both are built.
import { existsSync } from 'node:fs';
import * as fallback from './schema-fallback.ts';
import type { FieldCause, JsonSchema } from './types.ts';

export interface SchemaValidator {
  validateObject(schema: JsonSchema, obj: unknown, options?: { oldObject?: unknown }): FieldCause[];
  applyDefaults(schema: JsonSchema, obj: unknown): void;
  pruneUnknownFields(schema: JsonSchema, obj: unknown): string[];
  /** Violations of the structural-schema rules, one line each (absent in the fallback). */
  checkStructural?(schema: JsonSchema): string[];
}

let loaded: Promise<SchemaValidator> | undefined;

export function loadSchemaValidator(): Promise<SchemaValidator> {
  loaded ??= (async () => {
    const url = new URL('./schema/index.ts', import.meta.url);
    if (!existsSync(url)) return fallback;
    try {
      const mod = (await import(url.href)) as Partial<SchemaValidator>;
      if (mod.validateObject && mod.applyDefaults && mod.pruneUnknownFields) return mod as SchemaValidator;
    } catch (err) {
      process.emitWarning(`controlplane/schema could not be loaded, using the fallback validator: ${String(err)}`);
    }
    return fallback;
  })();
  return loaded;
}
