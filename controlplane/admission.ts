// What happens to an object between the request body and storage: decoding checks, name
// rules, pruning, defaulting and schema validation, ending in 400 or 422 as Kubernetes does.
import { badRequest, invalid } from './errors.ts';
import { validateName } from './names.ts';
import type { SchemaValidator } from './schema-bridge.ts';
import type { FieldCause, JsonSchema, KubeObject, ResourceType } from './types.ts';
import { validateCrd } from './crd-types.ts';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface AdmissionOptions {
  fieldValidation: FieldValidation;
  /** Collects `Warning` header texts. */
  warnings: string[];
  isCreate: boolean;
  oldObject?: KubeObject;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** A label or annotation key: an optional DNS-subdomain prefix and a name part (validation.IsQualifiedName). */
function keyProblem(key: string): string | undefined {
  const parts = key.split('/');
  const name = parts.length === 2 ? parts[1]! : parts[0]!;
  if (parts.length > 2)
    return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  if (parts.length === 2 && (parts[0]!.length === 0 || parts[0]!.length > 253 || !PREFIX.test(parts[0]!))) {
    return "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
  }
  if (name.length === 0) return 'name part must be non-empty';
  if (name.length > 63) return 'name part must be no more than 63 characters';
  if (!NAME_PART.test(name))
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
  return undefined;
}

function validateStringMap(map: unknown, field: string, checkValues: boolean): FieldCause[] {
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) {
    return [{ reason: 'FieldValueInvalid', field, message: 'Invalid value: must be a map of strings' }];
  }
  const out: FieldCause[] = [];
  for (const [k, v] of Object.entries(map)) {
    const problem = keyProblem(k);
    if (problem) out.push({ reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(k)}: ${problem}` });
    if (typeof v !== 'string') {
      out.push({ reason: 'FieldValueInvalid', field: `${field}.${k}`, message: `Invalid value: ${JSON.stringify(v)}: must be a string` });
    } else if (checkValues && (v.length > 63 || !LABEL_VALUE.test(v))) {
      out.push({
        reason: 'FieldValueInvalid',
        field,
        message: `Invalid value: ${JSON.stringify(v)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
      });
    }
  }
  return out;
}

/** A CRD whose schema is not structural is refused, as the apiextensions-apiserver does. */
function structuralCauses(crd: KubeObject, validator: SchemaValidator): FieldCause[] {
  const versions = (crd.spec as { versions?: { schema?: { openAPIV3Schema?: JsonSchema } }[] } | undefined)?.versions ?? [];
  const out: FieldCause[] = [];
  versions.forEach((v, i) => {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) return;
    for (const line of validator.checkStructural(schema)) {
      out.push({ reason: 'FieldValueInvalid', field: `spec.versions[${i}].schema.openAPIV3Schema`, message: `Invalid value: ${line}` });
    }
  });
  return out;
}

/** Mutates `obj` into what will be stored, or throws the ApiError Kubernetes would answer. */
export function admit(rt: ResourceType, obj: KubeObject, validator: SchemaValidator, options: AdmissionOptions): void {
  rt.prepare?.(obj);
  const name = obj.metadata.name ?? '';
  const causes: FieldCause[] = [];
  if (options.isCreate) causes.push(...validateName(obj.metadata.name, rt.nameRule));
  causes.push(...validateStringMap(obj.metadata.labels, 'metadata.labels', true));
  causes.push(...validateStringMap(obj.metadata.annotations, 'metadata.annotations', false));
  if (rt.schema) {
    const pruned = validator.pruneUnknownFields(rt.schema, obj);
    if (pruned.length > 0 && options.fieldValidation === 'Strict') {
      throw badRequest(
        `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ` +
          pruned.map((p) => `unknown field "${p}"`).join(', '),
      );
    }
    if (options.fieldValidation === 'Warn') for (const p of pruned) options.warnings.push(`unknown field "${p}"`);
    validator.applyDefaults(rt.schema, obj);
    causes.push(...validator.validateObject(rt.schema, obj, options.oldObject ? { oldObject: options.oldObject } : {}));
  }
  if (rt.crdName === undefined && rt.resource === 'customresourcedefinitions') {
    causes.push(...validateCrd(obj));
    causes.push(...structuralCauses(obj, validator));
  }
  if (rt.validate) causes.push(...rt.validate(obj));
  if (rt.validateUpdate && options.oldObject) causes.push(...rt.validateUpdate(obj, options.oldObject));
  if (causes.length > 0) throw invalid(rt, name, causes);
}
