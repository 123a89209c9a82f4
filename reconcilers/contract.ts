// What a reconciler is given and what it returns. Reconcilers never import `controllers/`:
// they get an executor, a read-only view of related objects and a clock, and RETURN the
// status and events they want; the controller decides how to write them.
import type { Executor } from '../ssh/executor.ts';

export interface Clock {
  now(): Date;
}

// One definition of a resource's shape, beside the types it carries.
export type { ObjectMeta, Resource } from '../crds/resource.ts';
import type { Resource } from '../crds/resource.ts';
import type { LabelSelector } from '../crds/common.ts';
export type { LabelSelector } from '../crds/common.ts';

export interface SecretView {
  type?: string;
  /** Decoded values (the API's base64 removed). */
  data: Record<string, Buffer>;
}

/** Read-only view of the objects a reconciler may look at (served from the informer cache). */
export interface ClusterView {
  getSecret(namespace: string, name: string): SecretView | undefined;
  /** Objects of a kind in a namespace, optionally filtered by a label selector. */
  list<T extends Resource<unknown, unknown>>(kind: string, namespace: string, selector?: LabelSelector): T[];
  get<T extends Resource<unknown, unknown>>(kind: string, namespace: string, name: string): T | undefined;
}

export interface ReconcileEvent {
  type: 'Normal' | 'Warning';
  /** UpperCamelCase, e.g. "HostnameChanged". */
  reason: string;
  /** Human sentence; never contains a secret. */
  message: string;
}

export interface ReconcileResult<Status> {
  /** The whole status this reconciler owns; written through /status only when it changed. */
  status: Status;
  events: ReconcileEvent[];
  /** Ask to be looked at again after this long (drift checks, waiting on a Pi). */
  requeueAfterMs?: number;
}

export interface FinalizeResult<Status> extends ReconcileResult<Status> {
  /** True when cleanup is complete and the finalizer may be removed. */
  done: boolean;
}

/**
 * The one write a reconciler makes itself: creating a Secret that does not exist yet (a generated
 * munge key). Everything else it wants written, it returns.
 */
export interface SecretCreator {
  /** Creates an Opaque Secret; 'exists' when someone created it first (not an error). */
  createSecret(namespace: string, name: string, data: Record<string, Buffer>): Promise<'created' | 'exists'>;
}

export interface ReconcileContext {
  executor: Executor;
  view: ClusterView;
  clock: Clock;
  log: Logger;
  secrets?: SecretCreator;
}

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface Reconciler<Spec, Status> {
  /** The kind this reconciler owns, e.g. "PiNode". */
  kind: string;
  /** Finalizer the controller adds before the first reconcile, when cleanup is needed. */
  finalizer?: string;
  reconcile(obj: Resource<Spec, Status>, ctx: ReconcileContext): Promise<ReconcileResult<Status>>;
  /** Called instead of reconcile once the object has a deletionTimestamp. */
  finalize?(obj: Resource<Spec, Status>, ctx: ReconcileContext): Promise<FinalizeResult<Status>>;
}
