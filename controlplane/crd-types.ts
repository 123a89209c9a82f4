// What a CustomResourceDefinition means to the server: the resource types it serves, the
// checks on the CRD itself, and the status the apiextensions-apiserver reports for it.
import type { FieldCause, JsonSchema, KubeObject, PrinterColumn, ResourceType } from './types.ts';

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
  subresources?: { status?: unknown };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdNames {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
  categories?: string[];
}

interface CrdSpec {
  group?: string;
  names?: CrdNames;
  scope?: string;
  versions?: CrdVersion[];
}

function specOf(crd: KubeObject): CrdSpec {
  return (crd.spec ?? {}) as CrdSpec;
}

export function resourceTypesOfCrd(crd: KubeObject): ResourceType[] {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const group = spec.group ?? '';
  const plural = names.plural ?? '';
  const kind = names.kind ?? '';
  return (spec.versions ?? [])
    .filter((v) => v.served !== false)
    .map((v) => ({
      group,
      version: v.name,
      resource: plural,
      kind,
      listKind: names.listKind ?? `${kind}List`,
      singular: names.singular ?? kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames ?? [],
      categories: names.categories ?? [],
      // Every version shares one storage: without a conversion webhook only apiVersion differs.
      storageKey: `${group}/${plural}`,
      statusSubresource: v.subresources?.status !== undefined,
      strategicMerge: false,
      tracksGeneration: true,
      nameRule: 'subdomain' as const,
      schema: v.schema?.openAPIV3Schema,
      printerColumns: v.additionalPrinterColumns,
      crdName: crd.metadata.name,
    }));
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

function required(field: string): FieldCause {
  return { reason: 'FieldValueRequired', field, message: 'Required value' };
}

function invalidValue(field: string, value: unknown, why: string): FieldCause {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${JSON.stringify(value)}: ${why}` };
}

/** The checks on a CRD that would otherwise make it unservable. */
export function validateCrd(crd: KubeObject): FieldCause[] {
  const spec = specOf(crd);
  const out: FieldCause[] = [];
  const names = spec.names ?? {};
  if (!spec.group) out.push(required('spec.group'));
  if (!names.plural) out.push(required('spec.names.plural'));
  else if (!DNS_LABEL.test(names.plural)) out.push(invalidValue('spec.names.plural', names.plural, 'a lowercase RFC 1123 label'));
  if (!names.kind) out.push(required('spec.names.kind'));
  else if (!KIND.test(names.kind)) out.push(invalidValue('spec.names.kind', names.kind, 'must be a valid kind'));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    out.push({
      reason: 'FieldValueNotSupported',
      field: 'spec.scope',
      message: `Unsupported value: ${JSON.stringify(spec.scope ?? '')}: supported values: "Cluster", "Namespaced"`,
    });
  }
  const expected = `${names.plural ?? ''}.${spec.group ?? ''}`;
  if (names.plural && spec.group && crd.metadata.name !== expected) {
    out.push(invalidValue('metadata.name', crd.metadata.name, `must be spec.names.plural+"."+spec.group`));
  }
  const versions = spec.versions ?? [];
  if (versions.length === 0) out.push(required('spec.versions'));
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length > 0 && storage !== 1) {
    out.push(
      invalidValue(
        'spec.versions',
        versions.map((v) => v.name),
        'must have exactly one version marked as storage version',
      ),
    );
  }
  versions.forEach((v, i) => {
    if (!v.schema?.openAPIV3Schema) out.push(required(`spec.versions[${i}].schema.openAPIV3Schema`));
  });
  return out;
}

/** The status the apiextensions-apiserver reports once the names are accepted and served. */
export function establishedStatus(crd: KubeObject, now: string): Record<string, unknown> {
  const spec = specOf(crd);
  const names = spec.names ?? {};
  const previous = (crd.status as { conditions?: { type: string; lastTransitionTime: string }[] } | undefined)?.conditions ?? [];
  const since = (type: string) => previous.find((c) => c.type === type)?.lastTransitionTime ?? now;
  return {
    acceptedNames: {
      plural: names.plural,
      singular: names.singular ?? names.kind?.toLowerCase(),
      kind: names.kind,
      listKind: names.listKind ?? `${names.kind}List`,
      ...(names.shortNames ? { shortNames: names.shortNames } : {}),
      ...(names.categories ? { categories: names.categories } : {}),
    },
    conditions: [
      {
        type: 'NamesAccepted',
        status: 'True',
        reason: 'NoConflicts',
        message: 'no conflicts found',
        lastTransitionTime: since('NamesAccepted'),
      },
      {
        type: 'Established',
        status: 'True',
        reason: 'InitialNamesAccepted',
        message: 'the initial names have been accepted',
        lastTransitionTime: since('Established'),
      },
    ],
    storedVersions: (spec.versions ?? []).filter((v) => v.storage).map((v) => v.name),
  };
}
