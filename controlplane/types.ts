// Shapes shared by the embedded control plane's parts. Objects are kept as plain JSON: the
// server never needs typed access beyond metadata, and plain JSON is what it stores and serves.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  [key: string]: unknown;
}

/** Any Kubernetes object as stored and served. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** A structural OpenAPI v3 schema as CRDs carry it. */
export type JsonSchema = { [key: string]: unknown };

/** One served group/version/resource. */
export interface ResourceType {
  group: string;
  version: string;
  /** Plural, lower case: the URL segment. */
  resource: string;
  kind: string;
  listKind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Objects of several served types may share storage (events, CRD versions). */
  storageKey: string;
  statusSubresource: boolean;
  /** Built-in types accept strategic merge patches; custom resources answer 415. */
  strategicMerge: boolean;
  /** Whether metadata.generation is kept (bumped on spec changes only). */
  tracksGeneration: boolean;
  nameRule: 'subdomain' | 'label';
  schema?: JsonSchema;
  printerColumns?: PrinterColumn[];
  /** Set for custom resources: the CRD that serves them. */
  crdName?: string;
  /** Converts a stored object into this type's served form and back (events.k8s.io). */
  fromStorage?: (obj: KubeObject) => KubeObject;
  toStorage?: (obj: KubeObject) => KubeObject;
  /** Normalizes a written object (e.g. Secret stringData) or refuses what cannot be decoded (400). */
  prepare?: (obj: KubeObject) => void;
  /** Checks beyond the schema that Kubernetes makes for a built-in type. */
  validate?: (obj: KubeObject) => FieldCause[];
  /** Checks that compare an update with the stored object (immutable fields). */
  validateUpdate?: (obj: KubeObject, old: KubeObject) => FieldCause[];
  /**
   * Set for create-only kinds that are answered, never stored (SelfSubjectAccessReview, …):
   * the answer to one created object.
   */
  answer?: (request: KubeObject, context: AnswerContext) => Record<string, unknown>;
}

/** What a create-only kind's answer may look at. */
export interface AnswerContext {
  /** The authenticated user. */
  user: string;
  /** Every type served right now. */
  served: () => ResourceType[];
}

export interface FieldCause {
  reason: string;
  field: string;
  message: string;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';
