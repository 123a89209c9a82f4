// List+watch of one kind into a local cache. Unlike client-node's informer it never gives up:
// any error restarts it after a per-informer backoff; a 410 (history compacted) relists at once;
// and every `resyncMs` it relists and re-delivers every object, which also recovers from a watch
// that silently stopped delivering events.
import type { ApiClient } from './api-client.ts';
import { ApiError } from './api-client.ts';
import { backoffDelay, type BackoffPolicy } from './backoff.ts';
import type { KubeObject } from './kube-object.ts';
import type { JsonLogger } from './logger.ts';
import { collectionPath, objectKey, type ResourceType } from './resource-type.ts';
import { realClock, sleep, type TimerClock } from './timer-clock.ts';

export interface InformerHandlers<T extends KubeObject> {
  onAdd?(obj: T): void;
  /**
   * On a change, and on every relist (`resync` true). A relist may carry a change the watch had
   * not delivered yet (a status write), so old and new can differ then too; a resync is always
   * worth a reconcile whatever changed.
   */
  onUpdate?(oldObj: T, newObj: T, resync: boolean): void;
  onDelete?(obj: T): void;
}

export interface InformerOptions {
  /** Watch one namespace; undefined watches all. */
  namespace?: string;
  resyncMs: number;
  backoff: BackoffPolicy;
  log: JsonLogger;
  clock?: TimerClock;
  pageSize?: number;
}

interface WatchEvent {
  type: string;
  object: unknown;
}

class GoneError extends Error {}

export class Informer<T extends KubeObject> {
  private readonly cache = new Map<string, T>();
  private readonly handlers: InformerHandlers<T>[] = [];
  private readonly clock: TimerClock;
  private readonly stopController = new AbortController();
  private watchController: AbortController | undefined;
  private resyncRequested = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private loop: Promise<void> | undefined;
  /** Restarts after errors, relists, and relists caused by expired watch history (410). */
  restarts = 0;
  relists = 0;
  expiredRelists = 0;

  constructor(
    private readonly api: ApiClient,
    readonly type: ResourceType,
    private readonly options: InformerOptions,
  ) {
    this.clock = options.clock ?? realClock;
  }

  addHandlers(handlers: InformerHandlers<T>): void {
    this.handlers.push(handlers);
  }

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopController.abort();
    this.watchController?.abort();
    await this.loop;
    for (const w of this.syncWaiters.splice(0)) w();
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list has filled the cache (or the informer stopped). */
  waitForSync(): Promise<void> {
    if (this.synced || this.stopController.signal.aborted) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.cache.get(objectKey(namespace, name));
  }

  list(namespace?: string): T[] {
    const all = [...this.cache.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  keys(): string[] {
    return [...this.cache.keys()];
  }

  /** Relists now instead of at the next resync period. */
  resyncNow(): void {
    this.resyncRequested = true;
    this.watchController?.abort();
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    let failures = 0;
    while (!stop.aborted) {
      try {
        let resourceVersion = await this.relist();
        failures = 0;
        const resyncAt = this.clock.now() + this.options.resyncMs;
        for (;;) {
          const remaining = resyncAt - this.clock.now();
          if (stop.aborted || remaining <= 0 || this.resyncRequested) break;
          resourceVersion = await this.watchUntil(resourceVersion, remaining);
        }
      } catch (err) {
        if (stop.aborted) break;
        if (err instanceof GoneError) {
          this.expiredRelists += 1;
          this.options.log.info('watch history expired, relisting', { kind: this.type.kind });
          continue;
        }
        failures += 1;
        this.restarts += 1;
        const delay = backoffDelay(this.options.backoff, failures);
        this.options.log.warn('informer failed, restarting', { kind: this.type.kind, err, retryInMs: delay });
        await sleep(this.clock, delay, stop);
      }
    }
  }

  private async relist(): Promise<string> {
    this.resyncRequested = false;
    this.relists += 1;
    const path = collectionPath(this.type, this.options.namespace);
    const items: T[] = [];
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await this.api.request<{ metadata?: { resourceVersion?: string; continue?: string }; items?: T[] }>('GET', path, {
        query: { limit: this.options.pageSize ?? 500, continue: continueToken },
        timeoutMs: 60_000,
      });
      items.push(...(page.items ?? []));
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? '';
    } while (continueToken);
    this.replace(items);
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    return resourceVersion;
  }

  private replace(items: T[]): void {
    const seen = new Set<string>();
    for (const raw of items) {
      const obj = this.withTypeMeta(raw);
      const key = objectKey(obj.metadata.namespace, obj.metadata.name);
      seen.add(key);
      const old = this.cache.get(key);
      this.cache.set(key, obj);
      if (old) this.emit((h) => h.onUpdate?.(old, obj, true));
      else this.emit((h) => h.onAdd?.(obj));
    }
    for (const [key, old] of this.cache) {
      if (seen.has(key)) continue;
      this.cache.delete(key);
      this.emit((h) => h.onDelete?.(old));
    }
  }

  /** Watches from resourceVersion for at most `ms`; returns the last resourceVersion seen. */
  private async watchUntil(resourceVersion: string, ms: number): Promise<string> {
    const controller = new AbortController();
    this.watchController = controller;
    const cancelTimer = this.clock.setTimer(() => controller.abort(), ms);
    const onStop = (): void => controller.abort();
    this.stopController.signal.addEventListener('abort', onStop, { once: true });
    let rv = resourceVersion;
    let events = 0;
    let failure: unknown;
    const started = this.clock.now();
    // Servers end watches after timeoutSeconds; a jittered value spreads the reconnects.
    const timeoutSeconds = Math.ceil(Math.min(ms / 1000, 300 + Math.random() * 300));
    try {
      await this.api.watch(
        collectionPath(this.type, this.options.namespace),
        { resourceVersion: rv, allowWatchBookmarks: true, timeoutSeconds },
        (event) => {
          if (failure) return;
          try {
            events += 1;
            rv = this.apply(event) ?? rv;
          } catch (err) {
            failure = err;
            controller.abort();
          }
        },
        controller.signal,
      );
    } catch (err) {
      // Some servers refuse a too-old resourceVersion up front (HTTP 410) rather than as an
      // ERROR event in the stream; both mean the same: relist.
      if (err instanceof ApiError && err.statusCode === 410) throw new GoneError(err.message);
      throw err;
    } finally {
      cancelTimer();
      this.stopController.signal.removeEventListener('abort', onStop);
      if (this.watchController === controller) this.watchController = undefined;
    }
    if (failure) throw failure;
    if (!controller.signal.aborted && events === 0 && this.clock.now() - started < 1000) {
      // A watch the server closes at once, over and over, would spin: back off instead.
      throw new Error('watch closed immediately');
    }
    return rv;
  }

  private apply(event: WatchEvent): string | undefined {
    if (event.type === 'ERROR') {
      const status = event.object as { code?: number; message?: string; reason?: string };
      if (status.code === 410) throw new GoneError(status.message ?? 'Gone');
      throw new ApiError(status.code ?? 500, status.message ?? 'watch error', status.reason);
    }
    const obj = this.withTypeMeta(event.object as T);
    const rv = obj.metadata?.resourceVersion;
    if (event.type === 'BOOKMARK') return rv;
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.cache.get(key);
    if (event.type === 'DELETED') {
      this.cache.delete(key);
      this.emit((h) => h.onDelete?.(old ?? obj));
    } else if (event.type === 'ADDED' || event.type === 'MODIFIED') {
      this.cache.set(key, obj);
      if (old) this.emit((h) => h.onUpdate?.(old, obj, false));
      else this.emit((h) => h.onAdd?.(obj));
    }
    return rv;
  }

  // Lists return items without apiVersion/kind; fill them so cached objects are whole. The
  // server-side apply bookkeeping (managedFields) is dropped, as controller-runtime's default
  // transform does: nothing here reads it, writes are merge patches, and it roughly doubles each
  // cached object.
  private withTypeMeta(obj: T): T {
    const { managedFields: _dropped, ...metadata } = (obj.metadata ?? {}) as T['metadata'] & { managedFields?: unknown };
    const apiVersion = obj.apiVersion || (this.type.group === '' ? this.type.version : `${this.type.group}/${this.type.version}`);
    return { ...obj, apiVersion, kind: obj.kind || this.type.kind, metadata };
  }

  private emit(fn: (h: InformerHandlers<T>) => void): void {
    for (const h of this.handlers) {
      try {
        fn(h);
      } catch (err) {
        this.options.log.error('informer handler threw', { kind: this.type.kind, err });
      }
    }
  }
}
