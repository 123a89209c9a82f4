// The object semantics Kubernetes clients rely on: resourceVersion, uid, generation,
// optimistic concurrency, the status subresource, finalizers, namespace lifecycle and
// CRDs that serve (and stop serving) their resources. Transport-free: handlers call this.
import { randomUUID } from 'node:crypto';
import { admit, type FieldValidation } from './admission.ts';
import { establishedStatus } from './crd-types.ts';
import { alreadyExists, ApiError, badRequest, conflict, forbidden, gone, invalid, notFound, STALE_OBJECT } from './errors.ts';
import type { Registry } from './registry.ts';
import type { SchemaValidator } from './schema-bridge.ts';
import type { Matcher } from './selectors.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, ObjectMeta, ResourceType, WatchEventType } from './types.ts';
import type { WatchHub } from './watch-hub.ts';
import { groupVersion, managedTypeOf } from './managed-type.ts';
import { serverSideApply, trackUpdate, type ManagedType } from './ssa/field-manager.ts';

export interface WriteOptions {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  warnings: string[];
  /** Who writes, for managedFields: the fieldManager parameter, else the client's User-Agent (default "unknown"). */
  fieldManager?: string;
  /** Set by apply: the object carries the managedFields the apply computed. */
  applied?: boolean;
}

export interface ApplyOptions extends WriteOptions {
  fieldManager: string;
  force: boolean;
}

export interface DeleteOptions {
  dryRun: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  label: Matcher;
  field: Matcher;
  limit?: number;
  continueToken?: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
  continueToken?: string;
  remainingItemCount?: number;
}

export interface CoreDeps {
  store: ObjectStore;
  hub: WatchHub;
  registry: Registry;
  validator: SchemaValidator;
  now: () => Date;
}

const CRDS = 'apiextensions.k8s.io/customresourcedefinitions';
const NAMESPACES = '/namespaces';
const UNDELETABLE_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);

export function timestamp(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Values set to null are absent (what an apply's removals leave, and no served field is nullable). */
function withoutNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(withoutNulls) as T;
  if (v === null || typeof v !== 'object') return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v))
    if (x !== null) Object.defineProperty(out, k, { value: withoutNulls(x), enumerable: true, writable: true, configurable: true });
  return out as T;
}

/** An update that changes nothing but managedFields times keeps the old managedFields (no write). */
function keepManagedFieldsIfOnlyTimesMoved(old: KubeObject, next: KubeObject): void {
  const untimed = (entries: unknown) => (Array.isArray(entries) ? entries.map((e) => ({ ...(e as object), time: undefined })) : entries);
  const strip = (o: KubeObject) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined, resourceVersion: undefined } });
  if (sameJson(untimed(old.metadata.managedFields), untimed(next.metadata.managedFields)) && sameJson(strip(old), strip(next))) {
    if (old.metadata.managedFields === undefined) delete next.metadata.managedFields;
    else next.metadata.managedFields = old.metadata.managedFields;
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
  );
}

function withoutKeys(obj: KubeObject, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}

function randomSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let s = '';
  for (let i = 0; i < 5; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

export class Objects {
  constructor(private readonly deps: CoreDeps) {}

  /** The object as this served type shows it (apiVersion, event field names). */
  serve(rt: ResourceType, stored: KubeObject): KubeObject {
    if (rt.fromStorage) return rt.fromStorage(stored);
    return { ...stored, apiVersion: groupVersion(rt), kind: rt.kind };
  }

  private toStorage(rt: ResourceType, obj: KubeObject): KubeObject {
    const converted = rt.toStorage ? rt.toStorage(obj) : obj;
    return { ...converted, apiVersion: rt.toStorage ? converted.apiVersion : groupVersion(rt), kind: rt.kind };
  }

  private nsOf(rt: ResourceType, namespace: string | undefined): string {
    return rt.namespaced ? (namespace ?? '') : '';
  }

  getStored(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.deps.store.get(rt.storageKey, this.nsOf(rt, namespace), name);
    if (!obj) throw notFound(rt, name);
    return obj;
  }

  get(rt: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return this.serve(rt, this.getStored(rt, namespace, name));
  }

  list(rt: ResourceType, namespace: string | undefined, options: ListOptions): ListResult {
    const rv = String(this.deps.store.currentResourceVersion());
    let start: string | undefined;
    if (options.continueToken) {
      try {
        const token = JSON.parse(Buffer.from(options.continueToken, 'base64url').toString('utf8')) as { start?: string };
        start = token.start;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      if (typeof start !== 'string')
        throw gone(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
    }
    const all = this.deps.store
      .list(rt.storageKey, rt.namespaced ? namespace : undefined)
      .filter((o) => start === undefined || `${o.metadata.namespace ?? ''}/${o.metadata.name}` > start);
    const items: KubeObject[] = [];
    let remaining = 0;
    let last: KubeObject | undefined;
    for (const stored of all) {
      const obj = this.serve(rt, stored);
      if (!options.label(obj) || !options.field(obj)) continue;
      if (options.limit !== undefined && options.limit > 0 && items.length >= options.limit) {
        remaining++;
        continue;
      }
      items.push(obj);
      last = stored;
    }
    const result: ListResult = { items, resourceVersion: rv };
    if (remaining > 0 && last) {
      const key = `${last.metadata.namespace ?? ''}/${last.metadata.name}`;
      result.continueToken = Buffer.from(JSON.stringify({ rv, start: key })).toString('base64url');
      result.remainingItemCount = remaining;
    }
    return result;
  }

  private checkKind(rt: ResourceType, body: KubeObject): void {
    const gv = groupVersion(rt);
    if (body.apiVersion !== undefined && body.apiVersion !== gv) {
      throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`);
    }
    if (body.kind !== undefined && body.kind !== rt.kind) {
      throw badRequest(`the kind in the data (${String(body.kind)}) does not match the expected kind (${rt.kind})`);
    }
  }

  private checkNamespaceWritable(rt: ResourceType, namespace: string, name: string): void {
    if (!rt.namespaced) return;
    const ns = this.deps.store.get(NAMESPACES, '', namespace);
    if (!ns) throw new ApiError(404, 'NotFound', `namespaces "${namespace}" not found`, { name: namespace, kind: 'namespaces' });
    if (ns.metadata.deletionTimestamp) {
      throw forbidden(rt, name, `unable to create new content in namespace ${namespace} because it is being terminated`);
    }
  }

  private commit(
    rt: ResourceType,
    type: WatchEventType,
    namespace: string,
    name: string,
    obj: KubeObject | null,
    previous?: KubeObject,
  ): KubeObject {
    let written: KubeObject | undefined;
    const rv = this.deps.store.write(
      rt.storageKey,
      namespace,
      name,
      obj
        ? (v) => {
            written = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(v) } };
            return written;
          }
        : null,
    );
    const final = written ?? { ...previous!, metadata: { ...previous!.metadata, resourceVersion: String(rv) } };
    this.deps.hub.publish({ type, resourceVersion: rv, storageKey: rt.storageKey, namespace, object: final, previous });
    return final;
  }

  create(rt: ResourceType, namespace: string | undefined, body: KubeObject, options: WriteOptions): KubeObject {
    this.checkKind(rt, body);
    if (!body.metadata || typeof body.metadata !== 'object') body.metadata = {};
    const meta = body.metadata;
    const ns = this.nsOf(rt, namespace);
    if (rt.namespaced) {
      if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== ns) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = ns;
    } else delete meta.namespace;
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    const now = this.deps.now();
    const obj: KubeObject = { ...body, metadata: this.freshMeta(meta, rt, now) };
    if (rt.statusSubresource && rt.crdName) delete obj.status;
    admit(rt, obj, this.deps.validator, { ...options, isCreate: true });
    if (!options.applied)
      trackUpdate(this.managedType(rt, undefined), undefined, obj, options.fieldManager ?? '', undefined, timestamp(now));
    const name = obj.metadata.name!;
    this.checkNamespaceWritable(rt, ns, name);
    if (this.deps.store.get(rt.storageKey, ns, name)) throw alreadyExists(rt, name);
    if (rt.storageKey === CRDS) obj.status = establishedStatus(obj, timestamp(now));
    const stored = this.toStorage(rt, obj);
    if (options.dryRun) return this.serve(rt, stored);
    const written = this.commit(rt, 'ADDED', ns, name, stored);
    if (rt.storageKey === CRDS) this.deps.registry.setCrd(written);
    return this.serve(rt, written);
  }

  private freshMeta(meta: ObjectMeta, rt: ResourceType, now: Date): ObjectMeta {
    const out: ObjectMeta = { ...meta };
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'deletionTimestamp',
      'deletionGracePeriodSeconds',
      'generation',
      'selfLink',
    ]) {
      delete out[k];
    }
    out.uid = randomUUID();
    out.creationTimestamp = timestamp(now);
    if (rt.tracksGeneration) out.generation = 1;
    return out;
  }

  /** Replaces an object (PUT), or only its status when `subresource` is "status". */
  update(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    subresource: string | undefined,
    options: WriteOptions,
  ): KubeObject {
    this.checkKind(rt, body);
    if (!body.metadata || typeof body.metadata !== 'object') body.metadata = {};
    const ns = this.nsOf(rt, namespace);
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
    }
    if (rt.namespaced && body.metadata.namespace && body.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const storedOld = this.getStored(rt, ns, name);
    const old = this.serve(rt, storedOld);
    const wantedRv = body.metadata.resourceVersion;
    if (wantedRv !== undefined && wantedRv !== '' && wantedRv !== old.metadata.resourceVersion) {
      throw conflict(rt, name, STALE_OBJECT);
    }
    let next: KubeObject;
    if (subresource === 'status') {
      // Writes to /status change only status: everything else is taken from the stored object.
      next = { ...old, status: body.status };
      if (body.status === undefined) delete next.status;
      if (options.applied) next.metadata = { ...old.metadata, managedFields: body.metadata.managedFields };
    } else {
      next = { ...body, metadata: { ...body.metadata } };
      if (rt.statusSubresource) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      for (const k of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'generation']) {
        if (old.metadata[k] === undefined) delete next.metadata[k];
        else next.metadata[k] = old.metadata[k];
      }
      next.metadata.name = name;
      if (rt.namespaced) next.metadata.namespace = ns;
      else delete next.metadata.namespace;
      if (old.metadata.deletionTimestamp) {
        const before = new Set(old.metadata.finalizers ?? []);
        const added = (next.metadata.finalizers ?? []).filter((f) => !before.has(f));
        if (added.length > 0) {
          throw invalid(rt, name, [
            {
              reason: 'FieldValueForbidden',
              field: 'metadata.finalizers',
              message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f) => JSON.stringify(f)).join(', ')}}`,
            },
          ]);
        }
      }
    }
    // Admission mutates (defaults, pruning); the stored object must never change underneath.
    next = structuredClone(next);
    next.apiVersion = old.apiVersion;
    next.kind = old.kind;
    admit(rt, next, this.deps.validator, { ...options, isCreate: false, oldObject: old });
    if (rt.tracksGeneration) {
      const ignore = rt.statusSubresource ? ['metadata', 'status'] : ['metadata'];
      if (!sameJson(withoutKeys(old, ignore), withoutKeys(next, ignore))) {
        next.metadata.generation = (old.metadata.generation ?? 0) + 1;
      }
    }
    if (rt.storageKey === CRDS) next.status = establishedStatus(next, timestamp(this.deps.now()));
    if (!options.applied)
      trackUpdate(this.managedType(rt, subresource), old, next, options.fieldManager ?? '', subresource, timestamp(this.deps.now()));
    keepManagedFieldsIfOnlyTimesMoved(old, next);
    const comparableNext = { ...next, metadata: { ...next.metadata, resourceVersion: old.metadata.resourceVersion } };
    // An update that changes nothing is not written: no new resourceVersion, no watch event.
    if (sameJson(comparableNext, old)) return old;
    const stored = this.toStorage(rt, next);
    if (options.dryRun) return this.serve(rt, stored);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      return this.serve(rt, this.remove(rt, ns, name, stored));
    }
    const written = this.commit(rt, 'MODIFIED', ns, name, stored, storedOld);
    if (rt.storageKey === CRDS) this.deps.registry.setCrd(written);
    return this.serve(rt, written);
  }

  /**
   * Server-side apply (PATCH application/apply-patch+yaml): merges `config` into the object by
   * field ownership, creating it when it does not exist. `created` says which happened.
   */
  apply(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
    config: KubeObject,
    subresource: string | undefined,
    options: ApplyOptions,
  ): { object: KubeObject; created: boolean } {
    const gv = groupVersion(rt);
    if (config.apiVersion !== gv || config.kind !== rt.kind) {
      throw badRequest(`invalid object type: ${String(config.apiVersion ?? '')}, Kind=${String(config.kind ?? '')}`);
    }
    if (!config.metadata || typeof config.metadata !== 'object') config.metadata = {};
    if (config.metadata.name !== undefined && config.metadata.name !== name) {
      throw badRequest(`the name of the object (${String(config.metadata.name)}) does not match the name on the URL (${name})`);
    }
    const ns = this.nsOf(rt, namespace);
    if (rt.namespaced && config.metadata.namespace && config.metadata.namespace !== ns) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    config.metadata.name = name;
    if (rt.namespaced) config.metadata.namespace = ns;
    if (rt.schema) {
      // Fields the schema does not know are refused (Strict), reported (Warn) or dropped, before ownership is computed.
      const pruned = this.deps.validator.pruneUnknownFields(rt.schema, config);
      if (pruned.length > 0 && options.fieldValidation === 'Strict') {
        throw badRequest(
          `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${pruned.map((p) => `unknown field "${p}"`).join(', ')}`,
        );
      }
      if (options.fieldValidation === 'Warn') for (const p of pruned) options.warnings.push(`unknown field "${p}"`);
    }
    const stored = this.deps.store.get(rt.storageKey, ns, name);
    if (!stored && subresource) throw notFound(rt, name);
    const live = stored ? this.serve(rt, stored) : undefined;
    const wantedRv = config.metadata.resourceVersion;
    if (live && wantedRv && wantedRv !== live.metadata.resourceVersion) throw conflict(rt, name, STALE_OBJECT);
    const applied = withoutNulls(
      serverSideApply(this.managedType(rt, subresource), live, config, {
        manager: options.fieldManager,
        force: options.force,
        subresource,
        now: timestamp(this.deps.now()),
      }),
    );
    const write = { ...options, applied: true };
    if (!live) return { object: this.create(rt, ns, applied, write), created: true };
    return { object: this.update(rt, ns, name, applied, subresource, write), created: false };
  }

  private managedType(rt: ResourceType, subresource: string | undefined): ManagedType {
    return managedTypeOf(rt, subresource, {
      registry: this.deps.registry,
      serve: (t, o) => this.serve(t, o),
      toStorage: (t, o) => this.toStorage(t, o),
    });
  }

  /** Deletes now, or marks for deletion while finalizers remain. `deleted` says which. */
  delete(rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions): { object: KubeObject; deleted: boolean } {
    const ns = this.nsOf(rt, namespace);
    const stored = this.getStored(rt, ns, name);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== stored.metadata.uid) {
      throw conflict(rt, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${stored.metadata.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== stored.metadata.resourceVersion) {
      throw conflict(
        rt,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${stored.metadata.resourceVersion}`,
      );
    }
    if (rt.storageKey === NAMESPACES && UNDELETABLE_NAMESPACES.has(name)) {
      throw forbidden(rt, name, 'this namespace may not be deleted');
    }
    if (options.dryRun) return { object: this.serve(rt, stored), deleted: (stored.metadata.finalizers ?? []).length === 0 };
    if (rt.storageKey === NAMESPACES) return { object: this.serve(rt, this.terminateNamespace(rt, stored)), deleted: false };
    if (rt.storageKey === CRDS) this.removeCustomResources(stored);
    if ((stored.metadata.finalizers ?? []).length > 0) {
      if (stored.metadata.deletionTimestamp) return { object: this.serve(rt, stored), deleted: false };
      const marked: KubeObject = {
        ...stored,
        metadata: { ...stored.metadata, deletionTimestamp: timestamp(this.deps.now()), deletionGracePeriodSeconds: 0 },
      };
      return { object: this.serve(rt, this.commit(rt, 'MODIFIED', ns, name, marked, stored)), deleted: false };
    }
    return { object: this.serve(rt, this.remove(rt, ns, name, stored)), deleted: true };
  }

  private remove(rt: ResourceType, ns: string, name: string, last: KubeObject): KubeObject {
    const removed = this.commit(rt, 'DELETED', ns, name, null, last);
    if (rt.storageKey === CRDS) this.deps.registry.removeCrd(name);
    if (rt.namespaced) this.finishNamespaceIfEmpty(ns);
    return removed;
  }

  private terminateNamespace(rt: ResourceType, ns: KubeObject): KubeObject {
    const name = ns.metadata.name!;
    let current = ns;
    if (!ns.metadata.deletionTimestamp) {
      const marked: KubeObject = {
        ...ns,
        metadata: { ...ns.metadata, deletionTimestamp: timestamp(this.deps.now()) },
        status: { ...((ns.status as object | undefined) ?? {}), phase: 'Terminating' },
      };
      current = this.commit(rt, 'MODIFIED', '', name, marked, ns);
    }
    // Namespace deletion cascades: every object in it is deleted (finalizers still apply).
    for (const type of this.deps.registry.all()) {
      if (!type.namespaced || type.fromStorage) continue;
      for (const obj of this.deps.store.list(type.storageKey, name)) {
        if (this.deps.store.get(type.storageKey, name, obj.metadata.name!)) {
          this.delete(type, name, obj.metadata.name!, { dryRun: false });
        }
      }
    }
    return this.deps.store.get(NAMESPACES, '', name) ?? current;
  }

  private finishNamespaceIfEmpty(namespace: string): void {
    const ns = this.deps.store.get(NAMESPACES, '', namespace);
    if (!ns?.metadata.deletionTimestamp || this.deps.store.countInNamespace(namespace) > 0) return;
    const rt = this.deps.registry.find('', 'v1', 'namespaces')!;
    this.commit(rt, 'DELETED', '', namespace, null, ns);
  }

  private removeCustomResources(crd: KubeObject): void {
    const types = this.deps.registry.all().filter((t) => t.crdName === crd.metadata.name);
    const rt = types[0];
    if (!rt) return;
    for (const obj of this.deps.store.list(rt.storageKey)) {
      this.remove(rt, obj.metadata.namespace ?? '', obj.metadata.name!, obj);
    }
  }

  deleteCollection(rt: ResourceType, namespace: string | undefined, options: ListOptions & DeleteOptions): KubeObject[] {
    const { items } = this.list(rt, namespace, { label: options.label, field: options.field });
    return items.map((o) => this.delete(rt, o.metadata.namespace, o.metadata.name!, { dryRun: options.dryRun }).object);
  }

  /** The namespaces every cluster starts with. */
  ensureDefaultNamespaces(): void {
    const rt = this.deps.registry.find('', 'v1', 'namespaces')!;
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      if (!this.deps.store.get(NAMESPACES, '', name)) {
        this.create(
          rt,
          undefined,
          { metadata: { name } },
          { dryRun: false, fieldValidation: 'Ignore', warnings: [], fieldManager: 'kube-apiserver' },
        );
      }
    }
  }

  /** Re-serves every stored CRD (after a restart). */
  loadCrds(): void {
    for (const crd of this.deps.store.list(CRDS)) this.deps.registry.setCrd(crd);
  }
}
