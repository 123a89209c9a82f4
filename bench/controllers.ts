// Controller runtime throughput and latency against the embedded control plane:
//  - reconciles per second for 1,000 objects with a no-op reconciler (first pass, which writes
//    observedGeneration once per object, and a resync pass, which writes nothing);
//  - p50/p99 from an object change (PATCH sent) to the start of its reconcile.
// Run by `npm run bench` (bench/run.ts), or alone: `npx tsx bench/controllers.ts`.
import { pathToFileURL } from 'node:url';
import { ApiClient } from '../controllers/api-client.ts';
import { kubeConfigFromString } from '../controllers/kubeconfig.ts';
import { createLogger } from '../controllers/logger.ts';
import { startManager } from '../controllers/manager.ts';
import { collectionPath, objectPath } from '../controllers/resource-type.ts';
import type { Reconciler, Resource } from '../reconcilers/contract.ts';
import { startControlPlane } from '../controlplane/index.ts';
import { installWidgetCrd, noSshExecutor, widgetType } from '../test/controllers/widget.ts';

const objects = 1000;
const latencySamples = 200;
const workers = 4;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function until(probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('bench step timed out');
    await new Promise((r) => setImmediate(r));
  }
}

export default async function benchControllers(): Promise<void> {
  const cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0' });
  const api = new ApiClient(kubeConfigFromString(cp.kubeconfig()));
  const reconciled = new Set<string>();
  let reconciles = 0;
  const waitingFor = new Map<string, (at: number) => void>();
  const noop: Reconciler<{ value?: number }, unknown> = {
    kind: 'Widget',
    async reconcile(obj: Resource<{ value?: number }, unknown>) {
      const at = performance.now();
      reconciles += 1;
      const key = `${obj.metadata.name}:${obj.spec.value}`;
      reconciled.add(obj.metadata.name);
      waitingFor.get(key)?.(at);
      return { status: obj.status ?? {}, events: [] };
    },
  };
  const rows: [string, string][] = [];
  try {
    await installWidgetCrd(api);
    const names = Array.from({ length: objects }, (_, i) => `w${i}`);
    for (let i = 0; i < names.length; i += 50) {
      await Promise.all(
        names.slice(i, i + 50).map((name) =>
          api.request('POST', collectionPath(widgetType, 'default'), {
            body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name }, spec: { value: 0 } },
          }),
        ),
      );
    }

    const started = performance.now();
    const manager = await startManager({
      kubeConfig: kubeConfigFromString(cp.kubeconfig()),
      namespace: 'default',
      leaderElect: false,
      metricsBindAddress: '0',
      healthProbeBindAddress: '0',
      controllers: [{ reconciler: noop as Reconciler<unknown, unknown>, type: widgetType, concurrency: workers }],
      executor: noSshExecutor,
      log: createLogger({ level: 'error' }),
      watchSecrets: false,
    });
    try {
      await until(() => reconciled.size === objects, 120_000);
      const controller = manager.controller('Widget');
      await until(() => (controller?.queue.length ?? 0) === 0 && (controller?.queue.inFlight ?? 0) === 0, 60_000);
      const firstPass = performance.now() - started;
      rows.push([
        `first pass, ${objects} objects (list + reconcile + 1 status write each)`,
        `${((objects / firstPass) * 1000).toFixed(0)} reconciles/s (${firstPass.toFixed(0)} ms)`,
      ]);

      // Let the status writes' watch events settle so the resync pass is measured alone.
      await new Promise((r) => setTimeout(r, 500));
      const before = reconciles;
      const resyncStart = performance.now();
      manager.informer('Widget')?.resyncNow();
      await until(() => reconciles - before >= objects, 120_000);
      await until(() => (controller?.queue.length ?? 0) === 0 && (controller?.queue.inFlight ?? 0) === 0, 60_000);
      const resync = performance.now() - resyncStart;
      rows.push([
        `resync pass, ${objects} objects (relist + reconcile, no writes)`,
        `${((objects / resync) * 1000).toFixed(0)} reconciles/s (${resync.toFixed(0)} ms)`,
      ]);

      const latencies: number[] = [];
      for (let i = 0; i < latencySamples; i++) {
        const name = `w${(i * 7) % objects}`;
        const value = i + 1;
        const seen = new Promise<number>((resolve) => waitingFor.set(`${name}:${value}`, resolve));
        const sent = performance.now();
        await api.request('PATCH', objectPath(widgetType, 'default', name), {
          body: { spec: { value } },
          contentType: 'application/merge-patch+json',
        });
        const at = await seen;
        waitingFor.delete(`${name}:${value}`);
        latencies.push(at - sent);
      }
      latencies.sort((a, b) => a - b);
      rows.push([
        `change → reconcile start (${latencySamples} sequential PATCHes)`,
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      ]);
    } finally {
      await manager.stop();
    }
  } finally {
    api.close();
    await cp.stop();
  }
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`\ncontroller runtime (${workers} workers, embedded control plane over TLS, loopback)\n`);
  for (const [what, figure] of rows) process.stdout.write(`  ${what.padEnd(width)}  ${figure}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchControllers();
}
