// The runtime every bramble controller runs in: shared informers, one controller per kind,
// leader election, metrics and health endpoints, and an orderly stop. The CLI (`bramble run`)
// builds the options from the flags and hands in the reconcilers.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { KubeConfig } from './kubeconfig.ts';
import { Registry } from 'prom-client';
import { createControllerMetrics, type ControllerMetrics } from '../metrics/controller-metrics.ts';
import type { BoundServer } from '../metrics/listen.ts';
import { startMetricsServer } from '../metrics/metrics-server.ts';
import type { Reconciler } from '../reconcilers/contract.ts';
import type { Executor } from '../ssh/executor.ts';
import { ApiClient } from './api-client.ts';
import type { BackoffPolicy } from './backoff.ts';
import { createClusterView } from './cluster-view.ts';
import { Controller } from './controller.ts';
import { EventRecorder } from './event-recorder.ts';
import { updateNeedsReconcile } from './event-filter.ts';
import { startHealthServer } from './health-server.ts';
import { Informer } from './informer.ts';
import { kindReconcileFn } from './kind-controller.ts';
import type { KubeObject } from './kube-object.ts';
import { defaultLeaderTimings, LeaderElector } from './leader-election.ts';
import { createLeaseClient } from './lease-client.ts';
import { createLogger, type JsonLogger } from './logger.ts';
import { defaultNodeSelection, ownersOfNodeChange, type NodeSelectionOf } from './node-owners.ts';
import { ObjectWriter } from './object-writer.ts';
import { createSecretCreator } from './secret-creator.ts';
import { ownersOfSecret } from './secret-owners.ts';
import { objectKey, resourceTypes, splitKey, type ResourceType } from './resource-type.ts';
import { ReferencedSecrets } from './referenced-secrets.ts';

export interface ControllerRegistration {
  reconciler: Reconciler<unknown, unknown>;
  /** Where the kind lives in the API; default: the bramble kind named by `reconciler.kind`. */
  type?: ResourceType;
  /** Workers for this controller (MaxConcurrentReconciles). Default 1. */
  concurrency?: number;
  /** Re-queue objects when a PiNode they select changes (`true` = the default spec reading). */
  watchNodes?: boolean | NodeSelectionOf;
}

export interface ManagerOptions {
  kubeConfig: KubeConfig;
  namespace?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionId?: string;
  identity?: string;
  /** "0" disables the listener. */
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  controllers: ControllerRegistration[];
  executor: Executor;
  log?: JsonLogger;
  registry?: Registry;
  /** Relist (and re-reconcile) everything this often. Default 5 minutes. */
  resyncMs?: number;
  /** Per-key reconcile backoff. Default 5 ms doubling to 1000 s, as controller-runtime. */
  backoff?: BackoffPolicy;
  /** Informer restart backoff. Default 800 ms doubling to 30 s. */
  informerBackoff?: BackoffPolicy;
  leaderTimings?: { leaseDurationMs: number; renewDeadlineMs: number; retryPeriodMs: number };
  /** How long a stop waits for in-flight reconciles before abandoning them. Default 30 s. */
  shutdownTimeoutMs?: number;
  /** Read the Secrets the resources name (GET by name, re-read every 30 s) for the ClusterView. Default true. */
  watchSecrets?: boolean;
  /** Event series: repeats within this window bump the count. */
  eventWindowMs?: number;
  eventUpdateIntervalMs?: number;
  /** Called after losing the lease (the manager has stopped). Default: exit code 1. */
  onLeadershipLost?: () => void;
}

export interface Manager {
  readonly identity: string;
  readonly metricsAddress: string | undefined;
  readonly healthAddress: string | undefined;
  readonly metrics: ControllerMetrics;
  isLeader(): boolean;
  /** Resolves once every informer has synced. */
  synced(): Promise<void>;
  informer(kind: string): Informer<KubeObject> | undefined;
  controller(kind: string): Controller | undefined;
  /** Queues a PiNode and every object that selects it (liveness: its connection was lost, or it answers again). */
  requeueNode(namespace: string | undefined, name: string): void;
  /** Stops taking work, drains in-flight reconciles (bounded), releases the lease. Idempotent. */
  stop(): Promise<void>;
}

/** How often everything is relisted and reconciled again unless `resyncMs` says otherwise. */
export const defaultResyncMs = 5 * 60_000;

export async function startManager(options: ManagerOptions): Promise<Manager> {
  const log = options.log ?? createLogger();
  const identity = options.identity ?? `${hostname()}_${randomUUID()}`;
  const registry = options.registry ?? new Registry();
  const metrics = createControllerMetrics(registry);
  const api = new ApiClient(options.kubeConfig);
  const resyncMs = options.resyncMs ?? defaultResyncMs;
  const informerBackoff = options.informerBackoff ?? { baseMs: 800, capMs: 30_000 };

  const informers = new Map<string, Informer<KubeObject>>();
  const informerFor = (type: ResourceType): Informer<KubeObject> => {
    let inf = informers.get(type.kind);
    if (!inf) {
      inf = new Informer<KubeObject>(api, type, {
        namespace: options.namespace,
        resyncMs,
        backoff: informerBackoff,
        log: log.child({ informer: type.kind }),
      });
      // First of its handlers: the Secret index is current before any reconcile is queued.
      if (type.kind === 'PiNode' && referenced) inf.addHandlers(referenced.piNodeHandlers);
      informers.set(type.kind, inf);
    }
    return inf;
  };

  const referenced =
    (options.watchSecrets ?? true)
      ? new ReferencedSecrets(api, {
          objects: () => [...informers.values()].flatMap((i) => i.list()),
          changed: (namespace, name) => {
            for (const [kind, controller] of controllers) {
              for (const key of ownersOfSecret(informers.get(kind)?.list() ?? [], { metadata: { namespace, name } }))
                controller.enqueue(key);
            }
          },
          log: log.child({ cache: 'secrets' }),
        })
      : undefined;
  const view = createClusterView(
    (kind) => informers.get(kind),
    (namespace, name) => referenced?.get(namespace, name),
  );
  const secrets = createSecretCreator(api);
  const controllers = new Map<string, Controller>();
  const nodeWatchers: { owners: Informer<KubeObject>; controller: Controller; selection: NodeSelectionOf }[] = [];

  for (const reg of options.controllers) {
    const kind = reg.reconciler.kind;
    const type = reg.type ?? (resourceTypes as Record<string, ResourceType>)[kind];
    if (!type) throw new Error(`no resource type known for kind ${kind}; pass one in the registration`);
    const informer = informerFor(type);
    const name = kind.toLowerCase();
    const clog = log.child({ controller: name });
    const reconcileKind = kindReconcileFn({
      reconciler: reg.reconciler,
      informer,
      writer: new ObjectWriter(api, type),
      events: new EventRecorder({
        api,
        controller: `bramble.dev/${name}-controller`,
        instance: identity,
        log: clog,
        windowMs: options.eventWindowMs,
        updateIntervalMs: options.eventUpdateIntervalMs,
      }),
      context: { executor: options.executor, view, clock: { now: () => new Date() }, log: clog, secrets },
    });
    const reconcile: typeof reconcileKind = async (key) => {
      const { namespace, name } = splitKey(key);
      await referenced?.prepare(informer.get(namespace || undefined, name));
      return reconcileKind(key);
    };
    const controller = new Controller({
      name,
      reconcile,
      concurrency: reg.concurrency,
      backoff: options.backoff,
      metrics,
      log: clog,
    });
    controllers.set(kind, controller);
    const keyOf = (o: KubeObject): string => objectKey(o.metadata.namespace, o.metadata.name);
    informer.addHandlers({
      onAdd: (o) => controller.enqueue(keyOf(o)),
      onUpdate: (old, o, resync) => {
        if (resync || updateNeedsReconcile(old, o)) controller.enqueue(keyOf(o));
      },
      onDelete: (o) => controller.enqueue(keyOf(o)),
    });
    if (reg.watchNodes) {
      nodeWatchers.push({
        owners: informer,
        controller,
        selection: typeof reg.watchNodes === 'function' ? reg.watchNodes : defaultNodeSelection,
      });
    }
  }

  if (nodeWatchers.length > 0) {
    const nodes = informerFor(resourceTypes.PiNode);
    const fanOut = (oldNode: KubeObject | undefined, newNode: KubeObject | undefined): void => {
      for (const w of nodeWatchers) {
        for (const key of ownersOfNodeChange(w.owners.list(), oldNode, newNode, w.selection)) w.controller.enqueue(key);
      }
    };
    nodes.addHandlers({
      onAdd: (n) => fanOut(undefined, n),
      onUpdate: (o, n) => fanOut(o, n),
      onDelete: (n) => fanOut(n, undefined),
    });
  }
  const allSynced = (): boolean => [...informers.values()].every((i) => i.hasSynced());
  const servers: BoundServer[] = [];
  try {
    if (options.metricsBindAddress !== '0') servers.push(await startMetricsServer(registry, options.metricsBindAddress));
    if (options.healthProbeBindAddress !== '0') {
      servers.push(await startHealthServer(options.healthProbeBindAddress, allSynced));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close()));
    throw err;
  }
  const metricsAddress = options.metricsBindAddress !== '0' ? servers[0]?.address : undefined;
  const healthAddress = options.healthProbeBindAddress !== '0' ? servers[servers.length - 1]?.address : undefined;

  for (const inf of informers.values()) inf.start();
  referenced?.start();
  const synced = Promise.all([...informers.values()].map((i) => i.waitForSync())).then(() => undefined);

  let stopping = false;
  let leading = false;
  const startControllers = (): void => {
    leading = true;
    void synced.then(() => {
      if (stopping || !leading) return;
      log.info('starting controllers', { identity, controllers: [...controllers.keys()] });
      for (const c of controllers.values()) c.start();
    });
  };

  let elector: LeaderElector | undefined;
  let stopPromise: Promise<void> | undefined;
  const leaseName = options.leaderElectionId ?? 'bramble-operator';
  const stop = (): Promise<void> => {
    stopPromise ??= (async () => {
      stopping = true;
      log.info('stopping', { identity });
      const timeout = options.shutdownTimeoutMs ?? 30_000;
      await Promise.all([...controllers.values()].map((c) => c.stop(timeout)));
      // Only after in-flight work is done may a successor start reconciling the same objects.
      await elector?.stop();
      leading = false;
      metrics.leader(leaseName, false);
      referenced?.stop();
      await Promise.all([...informers.values()].map((i) => i.stop()));
      await Promise.all(servers.map((s) => s.close()));
      api.close();
      log.info('stopped', { identity });
    })();
    return stopPromise;
  };

  if (options.leaderElect) {
    const leaseNamespace = options.leaderElectionNamespace ?? options.namespace ?? 'default';
    const timings = options.leaderTimings ?? defaultLeaderTimings;
    elector = new LeaderElector({
      client: createLeaseClient(api, leaseNamespace, leaseName, timings.renewDeadlineMs / 2),
      identity,
      ...timings,
      log: log.child({ lease: `${leaseNamespace}/${leaseName}` }),
      onStartedLeading: () => {
        metrics.leader(leaseName, true);
        startControllers();
      },
      onStoppedLeading: () => {
        leading = false;
        metrics.leader(leaseName, false);
        if (stopping) return;
        log.error('lost leadership, stopping', { identity });
        // Workers stop taking keys at once; the rest of the stop can take its time.
        for (const c of controllers.values()) c.queue.shutDown();
        void stop().then(options.onLeadershipLost ?? (() => (process.exitCode = 1)));
      },
      onNewLeader: (holder) => log.info('leader is', { leader: holder }),
    });
    metrics.leader(leaseName, false);
    elector.start();
  } else {
    startControllers();
  }

  return {
    identity,
    metricsAddress,
    healthAddress,
    metrics,
    isLeader: () => leading,
    synced: () => synced,
    informer: (kind) => informers.get(kind),
    controller: (kind) => controllers.get(kind),
    requeueNode: (namespace, name) => {
      controllers.get('PiNode')?.enqueue(objectKey(namespace, name));
      const node = informers.get('PiNode')?.get(namespace, name);
      if (!node) return;
      for (const w of nodeWatchers) {
        for (const key of ownersOfNodeChange(w.owners.list(), undefined, node, w.selection)) w.controller.enqueue(key);
      }
    },
    stop,
  };
}
