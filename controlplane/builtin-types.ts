// The built-in kinds bramble needs from Kubernetes, with the checks kube-apiserver makes on
// them that a schema alone would not (Secret data encoding, Lease MicroTime), and the review
// kinds clients ask "who am I / may I" with (answered by reviews.ts, never stored).
import { badRequest } from './errors.ts';
import { coreToEventsV1, eventsV1ToCore } from './event-conversion.ts';
import { selfSubjectAccessReview, selfSubjectReview, selfSubjectRulesReview } from './reviews.ts';
import type { FieldCause, KubeObject, ResourceType } from './types.ts';

type Partial = Pick<ResourceType, 'group' | 'version' | 'resource' | 'kind' | 'namespaced'> &
  Omit<globalThis.Partial<ResourceType>, 'group' | 'version' | 'resource' | 'kind' | 'namespaced'>;

function builtin(p: Partial): ResourceType {
  return {
    listKind: `${p.kind}List`,
    singular: p.kind.toLowerCase(),
    shortNames: [],
    categories: [],
    storageKey: `${p.group}/${p.resource}`,
    statusSubresource: false,
    strategicMerge: true,
    tracksGeneration: false,
    nameRule: 'subdomain',
    ...p,
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function prepareSecret(obj: KubeObject): void {
  const data = (obj.data ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string' || !BASE64.test(v)) {
      throw badRequest(`Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 0 (key "${k}")`);
    }
  }
  // stringData is write-only: Kubernetes folds it into data and never stores it.
  const stringData = obj.stringData as Record<string, unknown> | undefined;
  if (stringData) {
    for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    delete obj.stringData;
  }
  if (Object.keys(data).length > 0) obj.data = data;
  if (!obj.type) obj.type = 'Opaque';
}

/** ConfigMaps and Secrets marked immutable keep their data and stay immutable. */
function immutableData(fields: string[]) {
  return (obj: KubeObject, old: KubeObject): FieldCause[] => {
    if (old.immutable !== true) return [];
    const forbidden = (field: string): FieldCause => ({
      reason: 'FieldValueForbidden',
      field,
      message: 'Forbidden: field is immutable when `immutable` is set',
    });
    const out: FieldCause[] = [];
    if (obj.immutable !== true) out.push(forbidden('immutable'));
    for (const f of fields) if (JSON.stringify(obj[f] ?? {}) !== JSON.stringify(old[f] ?? {})) out.push(forbidden(f));
    return out;
  };
}

// metav1.MicroTime only parses RFC 3339 with exactly six fractional digits.
const MICRO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}(Z|[+-]\d{2}:\d{2})$/;

function prepareLease(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as Record<string, unknown>;
  for (const field of ['acquireTime', 'renewTime']) {
    const v = spec[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || !MICRO_TIME.test(v)) {
      throw badRequest(
        `Lease in version "v1" cannot be handled as a Lease: parsing time ${JSON.stringify(v)} as "2006-01-02T15:04:05.000000Z07:00": cannot parse as RFC3339Micro (spec.${field})`,
      );
    }
  }
}

function prepareNamespace(obj: KubeObject): void {
  const spec = (obj.spec ?? {}) as { finalizers?: string[] };
  if (!spec.finalizers || spec.finalizers.length === 0) spec.finalizers = ['kubernetes'];
  obj.spec = spec;
  const status = (obj.status ?? {}) as { phase?: string };
  status.phase ??= 'Active';
  obj.status = status;
}

export function builtinTypes(): ResourceType[] {
  return [
    builtin({
      group: '',
      version: 'v1',
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      statusSubresource: true,
      nameRule: 'label',
      prepare: prepareNamespace,
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'secrets',
      kind: 'Secret',
      namespaced: true,
      prepare: prepareSecret,
      validateUpdate: immutableData(['data']),
    }),
    builtin({
      group: '',
      version: 'v1',
      resource: 'configmaps',
      kind: 'ConfigMap',
      namespaced: true,
      shortNames: ['cm'],
      validateUpdate: immutableData(['data', 'binaryData']),
    }),
    builtin({ group: '', version: 'v1', resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] }),
    builtin({
      group: 'events.k8s.io',
      version: 'v1',
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      storageKey: '/events',
      fromStorage: coreToEventsV1,
      toStorage: eventsV1ToCore,
    }),
    builtin({ group: 'coordination.k8s.io', version: 'v1', resource: 'leases', kind: 'Lease', namespaced: true, prepare: prepareLease }),
    builtin({
      group: 'apiextensions.k8s.io',
      version: 'v1',
      resource: 'customresourcedefinitions',
      kind: 'CustomResourceDefinition',
      namespaced: false,
      shortNames: ['crd', 'crds'],
      categories: ['api-extensions'],
      statusSubresource: true,
      strategicMerge: false,
      tracksGeneration: true,
    }),
    builtin({
      group: 'authentication.k8s.io',
      version: 'v1',
      resource: 'selfsubjectreviews',
      kind: 'SelfSubjectReview',
      namespaced: false,
      answer: selfSubjectReview,
    }),
    builtin({
      group: 'authorization.k8s.io',
      version: 'v1',
      resource: 'selfsubjectaccessreviews',
      kind: 'SelfSubjectAccessReview',
      namespaced: false,
      answer: selfSubjectAccessReview,
    }),
    builtin({
      group: 'authorization.k8s.io',
      version: 'v1',
      resource: 'selfsubjectrulesreviews',
      kind: 'SelfSubjectRulesReview',
      namespaced: false,
      answer: selfSubjectRulesReview,
    }),
  ];
}
