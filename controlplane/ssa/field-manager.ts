// The field manager kube-apiserver runs on every write (apimachinery's
// managedfields/internal, NewDefaultFieldManager): updates record what their manager changed
// (never failing the write: on any trouble the object goes without managedFields), applies merge
// the configuration in by ownership. Around them, as in Kubernetes: metadata fields nobody owns
// (name, uid, …) are stripped, more than ten updaters fold into "ancient-changes", the first apply
// to an object written before managedFields were kept credits its fields to "before-first-apply",
// and for the manager "kubectl" the client-side-apply migration: conflicts with fields that
// still hold their last-applied-configuration values are taken over, and the annotation is kept
// in step with what is applied.
import { ApiError, badRequest } from '../errors.ts';
import type { KubeObject } from '../types.ts';
import { FieldSet, fieldElement, type Path } from './fieldpath.ts';
import {
  conflictError,
  decodeManagedFields,
  emptyManaged,
  encodeManagedFields,
  isResetManagedFields,
  managerIdentifier,
  type Managed,
} from './managed-fields.ts';
import { compare, deepEqual, toFieldSet, typeProblems } from './typed.ts';
import type { TypeRef } from './types.ts';
import { Conflicts, Updater, type Converter } from './updater.ts';

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
/** The manager kubectl applies server-side as by default; the one the migration serves. */
const KUBECTL = 'kubectl';
const MAX_UPDATE_MANAGERS = 10;

/** One kind at one API version, as the field manager sees it. */
export interface ManagedType {
  apiVersion: string;
  type: TypeRef;
  convert: Converter;
  /** Per API version, the fields the write resets (status on the main resource, spec on /status). */
  ignore: Map<string, FieldSet>;
}

const path = (...names: string[]): Path => names.map(fieldElement);
const STRIPPED = FieldSet.of(
  path('apiVersion'),
  path('kind'),
  path('metadata'),
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (f) => path('metadata', f),
  ),
);

function withoutManagedFields(obj: KubeObject | undefined): KubeObject {
  const copy = { ...(obj ?? { metadata: {} }), metadata: { ...(obj?.metadata ?? {}) } };
  delete copy.metadata.managedFields;
  return copy;
}

function stripMeta(managed: Managed, id: string): void {
  const vs = managed.fields.get(id);
  if (!vs) return;
  const set = vs.set.difference(STRIPPED);
  if (set.empty()) managed.fields.delete(id);
  else managed.fields.set(id, { ...vs, set });
}

function capUpdateManagers(managed: Managed): void {
  const seconds = (id: string) => Math.floor(Date.parse(managed.times.get(id) ?? '') / 1000) || 0;
  const updaters = [...managed.fields]
    .filter(([, vs]) => !vs.applied)
    .map(([id]) => id)
    .sort((a, b) => seconds(a) - seconds(b) || (a < b ? -1 : a > b ? 1 : 0));
  let length = updaters.length;
  const firstOfVersion = new Map<string, string>();
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const id = updaters[i]!;
    const vs = managed.fields.get(id)!;
    const bucket = managerIdentifier({ manager: 'ancient-changes', operation: 'Update', apiVersion: vs.apiVersion });
    const first = firstOfVersion.get(vs.apiVersion);
    if (first === undefined) {
      firstOfVersion.set(vs.apiVersion, id);
      continue;
    }
    if (!managed.fields.has(bucket)) {
      managed.fields.set(bucket, managed.fields.get(first)!);
      managed.fields.delete(first);
    }
    managed.fields.set(bucket, { ...vs, set: vs.set.union(managed.fields.get(bucket)!.set) });
    managed.fields.delete(id);
    managed.times.set(bucket, managed.times.get(id));
    length--;
  }
}

/** The managers of an update: the request's own managedFields when it sets valid ones, else the live object's. */
function decodeLiveOrNew(live: KubeObject | undefined, next: KubeObject, ignoreRequest: boolean): Managed {
  const liveManaged = () => {
    try {
      return decodeManagedFields(live?.metadata.managedFields);
    } catch {
      return emptyManaged();
    }
  };
  if (ignoreRequest) return liveManaged();
  const requested = next.metadata.managedFields;
  if (isResetManagedFields(requested)) return emptyManaged();
  try {
    const managed = decodeManagedFields(requested);
    return managed.fields.size > 0 ? managed : liveManaged();
  } catch {
    return liveManaged();
  }
}

/** What `manager` did by an update (Update: it takes the fields it changed), into `managed`. */
function recordUpdate(
  t: ManagedType,
  live: KubeObject,
  next: KubeObject,
  managed: Managed,
  manager: string,
  subresource: string | undefined,
  now: string,
): void {
  const id = managerIdentifier({ manager: manager || 'unknown', operation: 'Update', apiVersion: t.apiVersion, subresource });
  const self = 'current-operation';
  new Updater(t.convert, t.ignore).Update({ value: live, type: t.type }, { value: next, type: t.type }, t.apiVersion, managed.fields, self);
  stripMeta(managed, self);
  const vs = managed.fields.get(self);
  if (vs) {
    managed.fields.delete(self);
    const previous = managed.fields.get(id);
    managed.fields.set(id, previous ? { ...vs, set: vs.set.union(previous.set) } : vs);
    managed.times.set(id, now);
  }
  capUpdateManagers(managed);
}

/**
 * Sets next.metadata.managedFields for a create (live undefined) or an update by `manager`.
 * Never fails the write: on any trouble the object goes without managedFields.
 */
export function trackUpdate(
  t: ManagedType,
  live: KubeObject | undefined,
  next: KubeObject,
  manager: string,
  subresource: string | undefined,
  now: string,
): void {
  try {
    const managed = decodeLiveOrNew(live, next, subresource !== undefined);
    delete next.metadata.managedFields;
    // An existing object nobody tracked is left untracked until its first apply.
    if (managed.fields.size === 0 && live) return;
    recordUpdate(t, withoutManagedFields(live), withoutManagedFields(next), managed, manager, subresource, now);
    const encoded = encodeManagedFields(managed);
    if (encoded) next.metadata.managedFields = encoded;
  } catch {
    delete next.metadata.managedFields;
  }
}

export interface ApplyRequest {
  manager: string;
  force: boolean;
  subresource: string | undefined;
  now: string;
}

/** Fields of the last-applied-configuration that still hold their values: kubectl may take them over. */
function lastAppliedStillLive(t: ManagedType, live: KubeObject): FieldSet | undefined {
  const text = live.metadata.annotations?.[LAST_APPLIED];
  if (!text) return undefined;
  let lastApplied: KubeObject;
  try {
    lastApplied = JSON.parse(text) as KubeObject;
  } catch {
    return undefined;
  }
  if (lastApplied?.apiVersion !== t.apiVersion || typeProblems(lastApplied, t.type).length > 0) return undefined;
  const set = toFieldSet(lastApplied, t.type);
  const c = compare(lastApplied, withoutManagedFields(live), t.type);
  return set.difference(c.modified).difference(c.added).difference(c.removed);
}

/**
 * Server-side apply of `config` by request.manager onto `live` (undefined: the object is
 * created): the new object with its managedFields. Throws 400 for a configuration that does
 * not fit the type and 409 naming the managers of conflicting fields unless forced.
 */
export function serverSideApply(t: ManagedType, live: KubeObject | undefined, config: KubeObject, request: ApplyRequest): KubeObject {
  if (config.metadata.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil');
  const problems = typeProblems(config, t.type);
  if (problems.length > 0) {
    throw badRequest(
      `failed to create typed patch object (${config.metadata.namespace ?? ''}/${config.metadata.name ?? ''}; ${t.apiVersion}, Kind=${String(config.kind)}): ${problems.join(', ')}`,
    );
  }
  let decoded: Managed;
  try {
    decoded = decodeManagedFields(live?.metadata.managedFields);
  } catch {
    decoded = emptyManaged();
  }
  const liveValue = withoutManagedFields(live);
  const id = managerIdentifier({ manager: request.manager, operation: 'Apply', subresource: request.subresource });

  const attempt = (force: boolean): { object: KubeObject; managed: Managed } => {
    const managed: Managed = { fields: new Map(decoded.fields), times: new Map(decoded.times) };
    // The first apply to an object nobody tracked credits what it holds to "before-first-apply".
    if (managed.fields.size === 0 && live)
      recordUpdate(t, withoutManagedFields(undefined), liveValue, managed, 'before-first-apply', undefined, request.now);
    const before = managed.fields.get(id)?.set;
    const result = new Updater(t.convert, t.ignore).Apply(
      { value: liveValue, type: t.type },
      { value: config, type: t.type },
      t.apiVersion,
      managed.fields,
      id,
      force,
    );
    stripMeta(managed, id);
    const object = result.object as KubeObject;
    const changed = !deepEqual(liveValue, object);
    const after = managed.fields.get(id)?.set;
    if (changed || !before || !after || !before.equals(after)) managed.times.set(id, request.now);
    return { object: changed ? object : liveValue, managed };
  };

  let outcome: { object: KubeObject; managed: Managed };
  try {
    outcome = attempt(request.force);
  } catch (err) {
    if (!(err instanceof Conflicts)) throw err instanceof ApiError ? err : badRequest(`failed to apply: ${(err as Error).message}`);
    const allowed = request.manager === KUBECTL && live ? lastAppliedStillLive(t, live) : undefined;
    const remaining = allowed ? err.conflicts.filter((c) => !allowed.has(c.path)) : err.conflicts;
    if (remaining.length > 0) throw conflictError(remaining);
    outcome = attempt(true);
  }
  const object = structuredClone(outcome.object);
  object.metadata ??= {};
  if (request.manager === KUBECTL && object.metadata.annotations?.[LAST_APPLIED]) {
    const applied = structuredClone(config);
    if (applied.metadata.annotations) {
      delete applied.metadata.annotations[LAST_APPLIED];
      if (Object.keys(applied.metadata.annotations).length === 0) delete applied.metadata.annotations;
    }
    object.metadata.annotations = { ...object.metadata.annotations, [LAST_APPLIED]: JSON.stringify(applied) };
  }
  const encoded = encodeManagedFields(outcome.managed);
  if (encoded) object.metadata.managedFields = encoded;
  return object;
}
