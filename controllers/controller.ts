// One controller: a work queue drained by a bounded pool of workers that call a reconcile
// function per key. Results map onto controller-runtime's: an error backs off per key, a
// requested delay requeues after it, success forgets the key's failures.
import type { ControllerMetrics, ReconcileMetrics } from '../metrics/controller-metrics.ts';
import type { BackoffPolicy } from './backoff.ts';
import type { JsonLogger } from './logger.ts';
import { realClock, type TimerClock } from './timer-clock.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileOutcome {
  requeueAfterMs?: number;
  /** Retry with backoff without counting an error. */
  requeue?: boolean;
}

export type ReconcileFn = (key: string) => Promise<ReconcileOutcome | void>;

export interface ControllerOptions {
  name: string;
  reconcile: ReconcileFn;
  concurrency?: number;
  backoff?: BackoffPolicy;
  clock?: TimerClock;
  metrics?: ControllerMetrics;
  log: JsonLogger;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly reconcileFn: ReconcileFn;
  private readonly concurrency: number;
  private readonly clock: TimerClock;
  private readonly metrics: ReconcileMetrics | undefined;
  private readonly log: JsonLogger;
  private workers: Promise<void>[] = [];
  private started = false;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.reconcileFn = options.reconcile;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
    this.clock = options.clock ?? realClock;
    this.log = options.log;
    this.metrics = options.metrics?.reconcile(options.name);
    this.metrics?.maxConcurrent(this.concurrency);
    this.queue = new WorkQueue({ clock: this.clock, backoff: options.backoff, metrics: options.metrics?.queue(options.name) });
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  /** Starts the workers; keys queued before this are processed now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.concurrency; i++) this.workers.push(this.work());
  }

  /**
   * Stops taking work, then waits up to timeoutMs for in-flight reconciles. Returns false when
   * some were abandoned (they keep running detached; their results are dropped by the queue).
   */
  async stop(timeoutMs: number): Promise<boolean> {
    this.queue.shutDown();
    let cancel = (): void => {};
    const timedOut = new Promise<boolean>((resolve) => {
      cancel = this.clock.setTimer(() => resolve(false), timeoutMs);
    });
    const drained = Promise.all(this.workers).then(() => true);
    const result = await Promise.race([drained, timedOut]);
    cancel();
    if (!result) this.log.warn('abandoned in-flight reconciles at shutdown', { controller: this.name, inFlight: this.queue.inFlight });
    return result;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.processOne(key);
    }
  }

  private async processOne(key: string): Promise<void> {
    const started = this.clock.now();
    this.metrics?.activeWorkers(1);
    let result: 'success' | 'error' | 'requeue' | 'requeue_after' = 'success';
    try {
      const outcome = (await this.reconcileFn(key)) ?? {};
      if (outcome.requeueAfterMs !== undefined && outcome.requeueAfterMs > 0) {
        this.queue.forget(key);
        this.queue.addAfter(key, outcome.requeueAfterMs);
        result = 'requeue_after';
      } else if (outcome.requeue) {
        this.queue.addRateLimited(key);
        result = 'requeue';
      } else {
        this.queue.forget(key);
      }
    } catch (err) {
      result = 'error';
      const retryInMs = this.queue.addRateLimited(key);
      this.log.error('reconcile failed', { controller: this.name, key, err, retryInMs });
    } finally {
      this.queue.done(key);
      this.metrics?.activeWorkers(-1);
      this.metrics?.reconciled(result, (this.clock.now() - started) / 1000);
    }
  }
}
