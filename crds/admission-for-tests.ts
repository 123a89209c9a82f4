// What the API server does to a bramble object on create, for tests: prune, default, validate
// against the kind's CRD schema (the real validator the embedded control plane runs).
import type { FieldCause, JSONSchemaProps } from '../controlplane/schema/index.ts';
import { applyDefaults, pruneUnknownFields, validateObject } from '../controlplane/schema/index.ts';
import { customResourceDefinitionOf } from './definition.ts';
import { kindDefinitions } from './kinds.ts';

export function schemaOfKind(kind: string): JSONSchemaProps {
  const def = kindDefinitions.find((d) => d.kind === kind);
  if (!def) throw new Error(`no bramble kind ${kind}`);
  const version = customResourceDefinitionOf(def).spec.versions[0];
  if (!version) throw new Error(`${kind} has no version`);
  return version.schema.openAPIV3Schema as JSONSchemaProps;
}

export interface Admission {
  causes: FieldCause[];
  pruned: string[];
  object: Record<string, unknown>;
}

export function admit(kind: string, input: unknown, oldObject?: unknown): Admission {
  const schema = schemaOfKind(kind);
  const object = structuredClone(input) as Record<string, unknown>;
  const pruned = pruneUnknownFields(schema, object);
  applyDefaults(schema, object);
  const causes = validateObject(schema, object, oldObject === undefined ? undefined : { oldObject });
  return { causes, pruned, object };
}
