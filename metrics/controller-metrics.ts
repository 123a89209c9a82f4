// The reconcile, work-queue and leader-election metrics, under controller-runtime's names and
// labels so dashboards built for Go operators work unchanged. Buckets match controller-runtime's.
import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';

/** What one work queue reports (label `name` = controller name, as in controller-runtime). */
export interface QueueMetrics {
  depth(delta: number): void;
  added(): void;
  queued(seconds: number): void;
  worked(seconds: number): void;
  retried(): void;
}

/** What one controller reports about its reconciles. */
export interface ReconcileMetrics {
  reconciled(result: 'success' | 'error' | 'requeue' | 'requeue_after', seconds: number): void;
  activeWorkers(delta: number): void;
  maxConcurrent(n: number): void;
}

export interface ControllerMetrics {
  registry: Registry;
  queue(name: string): QueueMetrics;
  reconcile(controller: string): ReconcileMetrics;
  leader(name: string, isLeader: boolean): void;
}

const queueBuckets = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000];
const reconcileBuckets = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.25, 1.5, 1.75, 2, 2.5, 3, 3.5, 4, 4.5,
  5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
];

export function createControllerMetrics(registry: Registry, options: { processMetrics?: boolean } = {}): ControllerMetrics {
  if (options.processMetrics ?? true) {
    collectDefaultMetrics({ register: registry });
    // prom-client exports these gauges with a counter's `_total` suffix, which promtool (and
    // Prometheus naming rules) reject; the per-type `nodejs_active_*` gauges carry the same data.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      registry.removeSingleMetric(name);
    }
  }
  const reg = [registry];
  const reconcileTotal = new Counter({
    name: 'controller_runtime_reconcile_total',
    help: 'Total number of reconciliations per controller',
    labelNames: ['controller', 'result'],
    registers: reg,
  });
  const reconcileErrors = new Counter({
    name: 'controller_runtime_reconcile_errors_total',
    help: 'Total number of reconciliation errors per controller',
    labelNames: ['controller'],
    registers: reg,
  });
  const reconcileTime = new Histogram({
    name: 'controller_runtime_reconcile_time_seconds',
    help: 'Length of time per reconciliation per controller',
    labelNames: ['controller'],
    buckets: reconcileBuckets,
    registers: reg,
  });
  const activeWorkers = new Gauge({
    name: 'controller_runtime_active_workers',
    help: 'Number of currently used workers per controller',
    labelNames: ['controller'],
    registers: reg,
  });
  const maxConcurrent = new Gauge({
    name: 'controller_runtime_max_concurrent_reconciles',
    help: 'Maximum number of concurrent reconciles per controller',
    labelNames: ['controller'],
    registers: reg,
  });
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers: reg });
  const adds = new Counter({
    name: 'workqueue_adds_total',
    help: 'Total number of adds handled by workqueue',
    labelNames: ['name'],
    registers: reg,
  });
  const queueDuration = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'],
    buckets: queueBuckets,
    registers: reg,
  });
  const workDuration = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'],
    buckets: queueBuckets,
    registers: reg,
  });
  const retries = new Counter({
    name: 'workqueue_retries_total',
    help: 'Total number of retries handled by workqueue',
    labelNames: ['name'],
    registers: reg,
  });
  const leaderStatus = new Gauge({
    name: 'leader_election_master_status',
    help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master',
    labelNames: ['name'],
    registers: reg,
  });

  return {
    registry,
    queue(name) {
      // Zero-valued series exist from the start, so rate() and absent() behave on dashboards.
      depth.inc({ name }, 0);
      adds.inc({ name }, 0);
      retries.inc({ name }, 0);
      return {
        depth: (delta) => depth.inc({ name }, delta),
        added: () => adds.inc({ name }),
        queued: (s) => queueDuration.observe({ name }, s),
        worked: (s) => workDuration.observe({ name }, s),
        retried: () => retries.inc({ name }),
      };
    },
    reconcile(controller) {
      for (const result of ['success', 'error', 'requeue', 'requeue_after']) reconcileTotal.inc({ controller, result }, 0);
      reconcileErrors.inc({ controller }, 0);
      activeWorkers.set({ controller }, 0);
      return {
        reconciled(result, seconds) {
          reconcileTotal.inc({ controller, result });
          if (result === 'error') reconcileErrors.inc({ controller });
          reconcileTime.observe({ controller }, seconds);
        },
        activeWorkers: (delta) => activeWorkers.inc({ controller }, delta),
        maxConcurrent: (n) => maxConcurrent.set({ controller }, n),
      };
    },
    leader(name, isLeader) {
      leaderStatus.set({ name }, isLeader ? 1 : 0);
    },
  };
}
