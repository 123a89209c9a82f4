// What a reconciler is given and what it returns. Reconcilers never import `controllers/`:
// they get an executor, a read-only view of related objects and a clock, and RETURN the
// status and events they want; the controller decides how to write them.
import type { Executor, SshTarget } from '../ssh/executor.ts';

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

/** What a stage returns to end the run early (a refusal, a wait, a delete with nothing to do). */
export interface Stop<R> {
  stop: R;
}

/**
 * A kind is four functions, run by the one engine (reconcilers/shared/engine.ts) for a reconcile
 * and, with a second set, for a delete. Only observe talks to the Pis (read-only); plan is pure;
 * the engine applies what plan returns and hands the outcome to report. Any stage but report may
 * stop the run with the result to return (Ready=False with a reason, an early finished delete).
 *
 * One optional fifth stage, `afterApply`, is for a change that cannot be a step because it may cut
 * bramble off from the Pi (a PiNode's network, applied like `netplan try` with a confirm at the
 * new address): it runs after an apply that did not fail, before report, may use several execs,
 * and hands report what it did. A preview (`bramble plan`) stops before apply, so never runs it.
 */
export interface KindStages<Run, R, Validated, Observation, Planned, Outcome, After = never> {
  /** Spec + cluster view → a refusal, or what observe needs. No SSH. */
  validate(run: Run): Stop<R> | Validated | Promise<Stop<R> | Validated>;
  /** Hosts → a typed observation (one parallel observe; read-only commands only). */
  observe(run: Run, validated: Validated): Promise<Stop<R> | Observation>;
  /** Pure: observation → ordered, phased steps (or a refusal). */
  plan(run: Run, observed: Observation): Stop<R> | Planned;
  /** Optional, after an apply without failure: the change that may move the Pi (see above). */
  afterApply?(run: Run, observed: Observation, planned: Planned, outcome: Outcome): Promise<Stop<R> | After>;
  /** Observation + what was applied (+ what afterApply did, when it ran) → status conditions, events, requeue. Pure. */
  report(run: Run, observed: Observation, planned: Planned, outcome: Outcome, after?: After): R;
}

/** What plan hands the engine: phases of per-host work, in order, and how to apply them. */
export interface PhasedPlan<Work, Status> {
  /** SSH targets by PiNode name, for every host the phases name. */
  targets: ReadonlyMap<string, SshTarget>;
  /** Phases in order; in a phase, each host's work (by PiNode name) in order. */
  phases: readonly ReadonlyMap<string, readonly Work[]>[];
  /** Values masked out of every failure message (a password, a key). */
  secrets: readonly string[];
  /** The hosts of an applied Event sorted, or as applied (a rollout's order is its story). */
  eventHostOrder?: 'sorted' | 'as-applied';
  /**
   * Who words the applied Events: the engine, one per change naming its hosts (the default), or
   * the kind's report from the outcome (a PiNode, one host, says one Event per step).
   */
  appliedEvents?: 'engine' | 'report';
  /** Nothing is applied while one of these hosts boots; status then carries `rest`. */
  bootGate?: { hosts: ReadonlyMap<string, { booting?: boolean }>; rest: Partial<Status> };
  /** Hosts that could not be observed, "host: why"; a preview names them. */
  unobserved?: readonly string[];
  /** By host, the files steps write inside their script, with the content they write: a preview diffs them. */
  files?: ReadonlyMap<string, readonly PlannedFile[]>;
}

/** A file a step writes, as a preview shows it. */
export interface PlannedFile {
  step: string;
  path: string;
  content: string;
}
