// A work queue of object keys with client-go's guarantees: a key is handed to at most one
// worker at a time, adds of a key that is already waiting coalesce into one, a key added while
// it is being processed is queued again once its worker is done, and failures back off per key.
import type { QueueMetrics } from '../metrics/controller-metrics.ts';
import { backoffDelay, defaultBackoff, type BackoffPolicy } from './backoff.ts';
import { realClock, type TimerClock } from './timer-clock.ts';

export interface WorkQueueOptions {
  clock?: TimerClock;
  backoff?: BackoffPolicy;
  metrics?: QueueMetrics;
}

export class WorkQueue {
  private readonly clock: TimerClock;
  private readonly backoff: BackoffPolicy;
  private readonly metrics: QueueMetrics | undefined;
  private readonly queue: string[] = [];
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<string>();
  private readonly processing = new Map<string, number>();
  private readonly addedAt = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  /** Delayed adds: key → when it is due and how to cancel the timer. */
  private readonly waiting = new Map<string, { at: number; cancel: () => void }>();
  private waiters: ((key: string | undefined) => void)[] = [];
  private shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? realClock;
    this.backoff = options.backoff ?? defaultBackoff;
    this.metrics = options.metrics;
  }

  add(key: string): void {
    if (this.shuttingDown) return;
    if (this.dirty.has(key)) return;
    this.metrics?.added();
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.push(key);
  }

  /** Adds after a delay; an earlier pending delayed add of the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    existing?.cancel();
    const cancel = this.clock.setTimer(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, cancel });
  }

  /** Adds after this key's backoff delay and counts a retry. */
  addRateLimited(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    this.metrics?.retried();
    const delay = backoffDelay(this.backoff, n);
    this.addAfter(key, delay);
    return delay;
  }

  /** Clears the failure count after a success. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  numRequeues(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  get length(): number {
    return this.queue.length;
  }

  get inFlight(): number {
    return this.processing.size;
  }

  /** Waits for the next key; undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    const key = this.take();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks a key's processing finished; re-queues it when it was added meanwhile. */
  done(key: string): void {
    const started = this.processing.get(key);
    if (started === undefined) return;
    this.processing.delete(key);
    this.metrics?.worked((this.clock.now() - started) / 1000);
    if (this.dirty.has(key) && !this.shuttingDown) this.push(key);
  }

  /** Stops handing out work: waiting getters receive undefined, delayed adds are dropped. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { cancel } of this.waiting.values()) cancel();
    this.waiting.clear();
    this.metrics?.depth(-this.queue.length);
    this.queue.length = 0;
    this.dirty.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(undefined);
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  private push(key: string): void {
    this.queue.push(key);
    this.addedAt.set(key, this.clock.now());
    this.metrics?.depth(1);
    const waiter = this.waiters.shift();
    if (waiter) waiter(this.take());
  }

  private take(): string | undefined {
    const key = this.queue.shift();
    if (key === undefined) return undefined;
    this.metrics?.depth(-1);
    this.dirty.delete(key);
    // Reconciles are level-based: the one starting now supersedes a look scheduled for later
    // (a requeueAfter, or a backoff retry). Without this, a periodic resync and a reconciler's
    // own drift re-check would each observe the same host once per interval.
    this.waiting.get(key)?.cancel();
    this.waiting.delete(key);
    const now = this.clock.now();
    this.processing.set(key, now);
    const added = this.addedAt.get(key);
    this.addedAt.delete(key);
    if (added !== undefined) this.metrics?.queued((now - added) / 1000);
    return key;
  }
}
