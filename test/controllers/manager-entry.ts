// A real operator process for the leader-election and shutdown tests: the operator's own entry
// (flags, manager, signal handling) with the recording Widget reconciler. It prints one JSON
// line per reconcile start and end on stdout (logs go to stderr), so the test can tell which
// process reconciled what.
import { runOperator } from '../../controllers/operator-main.ts';
import type { Reconciler } from '../../reconcilers/contract.ts';
import { noSshExecutor, recordingReconciler, widgetType } from './widget.ts';

const identity = `entry-${process.pid}`;
const say = (fields: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, identity, ...fields })}\n`);
};

const reconciler = recordingReconciler();
const inner = reconciler.reconcile.bind(reconciler);
reconciler.reconcile = async (obj, ctx) => {
  const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
  say({ event: 'start', key, value: obj.spec.value });
  const result = await inner(obj, ctx);
  say({ event: 'end', key, value: obj.spec.value });
  return result;
};

const leaseMs = Number(process.env.BRAMBLE_TEST_LEASE_MS ?? 15_000);
const manager = await runOperator({
  argv: process.argv.slice(2),
  identity,
  controllers: [{ reconciler: reconciler as unknown as Reconciler<unknown, unknown>, type: widgetType, concurrency: 2 }],
  executor: noSshExecutor,
  watchSecrets: false,
  leaderTimings: { leaseDurationMs: leaseMs, renewDeadlineMs: (leaseMs * 2) / 3, retryPeriodMs: leaseMs / 8 },
  shutdownTimeoutMs: Number(process.env.BRAMBLE_TEST_SHUTDOWN_MS ?? 10_000),
});
say({ event: 'ready', metrics: manager.metricsAddress });
