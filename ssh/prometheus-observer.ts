// The executor's metrics in Prometheus form: a duration histogram by outcome and an error
// counter by reason. Both label sets are closed (see observer.ts and errors.ts), and every
// value is created up front so dashboards see zeros instead of missing series.
import { Counter, Histogram } from 'prom-client';
import type { Registry } from 'prom-client';
import { commandOutcomes } from './observer.ts';
import type { ExecutorObserver } from './observer.ts';
import { sshFailureReasons } from './errors.ts';

const durationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export function createSshMetrics(registry: Registry): ExecutorObserver {
  const duration = new Histogram({
    name: 'bramble_ssh_command_duration_seconds',
    help: 'Wall time of one command run over SSH, by how it ended',
    labelNames: ['outcome'],
    buckets: durationBuckets,
    registers: [registry],
  });
  const errors = new Counter({
    name: 'bramble_ssh_errors_total',
    help: 'SSH commands that failed in the transport (not by exit code), by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const outcome of commandOutcomes) duration.zero({ outcome });
  for (const reason of sshFailureReasons) errors.inc({ reason }, 0);
  return {
    onCommand: (seconds, outcome) => duration.observe({ outcome }, seconds),
    onError: (reason) => errors.inc({ reason }),
  };
}
