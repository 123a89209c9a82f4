// The controller runtime against the embedded control plane, in one process: a trivial Widget
// reconciler proves coalescing, per-key exclusion, backoff in the metrics, status and finalizer
// handling, Event de-duplication, cross-kind watches, and recovery from stalled watches and
// from a control plane restart.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../controllers/api-client.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { createLogger } from '../../controllers/logger.ts';
import { startManager, type Manager, type ManagerOptions } from '../../controllers/manager.ts';
import { objectPath, collectionPath, resourceTypes } from '../../controllers/resource-type.ts';
import { promtoolAvailable, promtoolCheckMetrics } from '../../metrics/promtool.ts';
import type { Reconciler } from '../../reconcilers/contract.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { TcpProxy, throughProxy } from './tcp-proxy.ts';
import {
  installPiNodeCrd,
  installWidgetCrd,
  noSshExecutor,
  recordingReconciler,
  waitFor,
  widgetFinalizer,
  widgetType,
  type RecordingReconciler,
  type Widget,
} from './widget.ts';

const log = createLogger({ level: process.env.BRAMBLE_TEST_LOG === '1' ? 'debug' : 'error' });
let cp: ControlPlane;
let api: ApiClient;
let nsCounter = 0;

before(async () => {
  cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0' });
  api = new ApiClient(kubeConfigFromString(cp.kubeconfig()));
  await installWidgetCrd(api);
});

after(async () => {
  api?.close();
  await cp?.stop();
});

async function freshNamespace(): Promise<string> {
  const name = `rt-${process.pid}-${++nsCounter}`;
  await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
  return name;
}

async function createWidget(namespace: string, name: string, spec: Widget['spec'], labels?: Record<string, string>): Promise<void> {
  await api.request('POST', collectionPath(widgetType, namespace), {
    body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name, namespace, labels }, spec },
  });
}

function patchWidget(namespace: string, name: string, patch: unknown): Promise<Widget> {
  return api.request<Widget>('PATCH', objectPath(widgetType, namespace, name), {
    body: patch,
    contentType: 'application/merge-patch+json',
  });
}

function getWidget(namespace: string, name: string): Promise<Widget> {
  return api.request<Widget>('GET', objectPath(widgetType, namespace, name));
}

async function withManager(
  reconciler: RecordingReconciler,
  namespace: string,
  extra: Partial<ManagerOptions> & { kubeconfig?: string },
  body: (m: Manager) => Promise<void>,
): Promise<void> {
  const m = await startManager({
    kubeConfig: kubeConfigFromString(extra.kubeconfig ?? cp.kubeconfig()),
    namespace,
    leaderElect: false,
    metricsBindAddress: '127.0.0.1:0',
    healthProbeBindAddress: '127.0.0.1:0',
    controllers: [{ reconciler: reconciler as unknown as Reconciler<unknown, unknown>, type: widgetType, concurrency: 4 }],
    executor: noSshExecutor,
    log,
    backoff: { baseMs: 20, capMs: 500 },
    informerBackoff: { baseMs: 100, capMs: 1000 },
    eventUpdateIntervalMs: 0,
    shutdownTimeoutMs: 5000,
    ...extra,
  });
  try {
    await m.synced();
    await body(m);
  } finally {
    await m.stop();
  }
}

void test('100 rapid updates coalesce into far fewer reconciles and the last state wins', async (t) => {
  const ns = await freshNamespace();
  const r = recordingReconciler();
  await createWidget(ns, 'w', { value: 0, delayMs: 30 });
  await withManager(r, ns, {}, async () => {
    await waitFor('first reconcile', () => r.records.length >= 1);
    const before = r.records.length;
    // One after another, so most arrive while the key is being reconciled (the queue's
    // dirty-while-processing path), not only between two informer reads.
    for (let i = 1; i <= 100; i++) await patchWidget(ns, 'w', { spec: { value: i } });
    const final = (await getWidget(ns, 'w')).spec.value;
    await waitFor('status to show the last value', async () => (await getWidget(ns, 'w')).status?.seen === final);
    const reconciles = r.records.length - before;
    t.diagnostic(`${reconciles} reconciles for 100 updates`);
    assert.ok(reconciles < 30, `${reconciles} reconciles for 100 updates`);
    assert.equal(r.records.at(-1)?.value, final);
    assert.equal(r.overlaps, 0);
  });
});

void test('one key is never reconciled by two workers at once, while distinct keys run in parallel', async () => {
  const ns = await freshNamespace();
  const r = recordingReconciler();
  for (let i = 0; i < 4; i++) await createWidget(ns, `w${i}`, { value: 0, delayMs: 40 });
  await withManager(r, ns, {}, async () => {
    for (let round = 1; round <= 10; round++) {
      await Promise.all(Array.from({ length: 4 }, (_, i) => patchWidget(ns, `w${i}`, { spec: { value: round } })));
      await new Promise((res) => setTimeout(res, 15));
    }
    for (let i = 0; i < 4; i++) {
      await waitFor(`w${i} settled`, async () => (await getWidget(ns, `w${i}`)).status?.seen === 10);
    }
    assert.equal(r.overlaps, 0);
    const parallel = r.records.some((a) =>
      r.records.some((b) => a.key !== b.key && b.startedAt >= a.startedAt && b.startedAt < (a.endedAt ?? Infinity)),
    );
    assert.ok(parallel, 'distinct keys overlapped in time');
  });
});

void test('errors back off per key and show in workqueue_retries_total; live /metrics passes promtool', async () => {
  assert.ok(promtoolAvailable(), 'promtool missing: run scripts/setup.sh');
  const ns = await freshNamespace();
  const r = recordingReconciler();
  await createWidget(ns, 'flaky', { value: 1, failTimes: 4 });
  await withManager(r, ns, {}, async (m) => {
    await waitFor('success after failures', async () => (await getWidget(ns, 'flaky')).status?.seen === 1);
    const attempts = r.records.filter((x) => x.key === `${ns}/flaky`);
    assert.equal(attempts.length, 5);
    const gaps = attempts.slice(1).map((a, i) => a.startedAt - (attempts[i]?.endedAt ?? 0));
    // 20, 40, 80, 160 ms: each wait at least the backoff (timers never fire early).
    gaps.forEach((g, i) => assert.ok(g >= 20 * 2 ** i - 2, `gap ${i} was ${g.toFixed(1)} ms`));
    const text = await (await fetch(`http://${m.metricsAddress}/metrics`)).text();
    const retries = Number(/^workqueue_retries_total\{name="widget"\} (\d+)/m.exec(text)?.[1]);
    assert.ok(retries >= 4, `workqueue_retries_total = ${retries}`);
    assert.match(text, /^controller_runtime_reconcile_errors_total\{controller="widget"\} 4$/m);
    assert.match(text, /^controller_runtime_reconcile_total\{controller="widget",result="error"\} 4$/m);
    const check = promtoolCheckMetrics(text);
    assert.ok(check.ok, `promtool findings:\n${check.findings}`);
  });
});

void test('status goes through /status, carries observedGeneration, and an unchanged status is not rewritten', async () => {
  const ns = await freshNamespace();
  const r = recordingReconciler();
  await createWidget(ns, 'w', { value: 7 });
  await withManager(r, ns, {}, async (m) => {
    const written = await waitFor('status', async () => {
      const w = await getWidget(ns, 'w');
      return w.status?.seen === 7 ? w : undefined;
    });
    const st = written.status as { observedGeneration?: number; conditions?: { observedGeneration?: number }[] };
    assert.equal(st.observedGeneration, written.metadata.generation);
    assert.equal(st.conditions?.[0]?.observedGeneration, written.metadata.generation);
    const n = r.records.length;
    m.informer('Widget')?.resyncNow();
    await waitFor('resync reconcile', () => r.records.length > n);
    await new Promise((res) => setTimeout(res, 200));
    const again = await getWidget(ns, 'w');
    assert.equal(again.metadata.resourceVersion, written.metadata.resourceVersion, 'no write for an unchanged status');
  });
});

void test('the finalizer is added before the first reconcile and removed after finalize', async () => {
  const ns = await freshNamespace();
  const r = recordingReconciler({ finalizer: true });
  await createWidget(ns, 'w', { value: 1 });
  await withManager(r, ns, {}, async () => {
    await waitFor('reconcile', () => r.records.length >= 1);
    assert.equal(r.records[0]?.hadFinalizer, true);
    assert.deepEqual((await getWidget(ns, 'w')).metadata.finalizers, [widgetFinalizer]);
    await api.request('DELETE', objectPath(widgetType, ns, 'w'));
    await waitFor('object gone', async () => {
      try {
        await getWidget(ns, 'w');
        return false;
      } catch {
        return true;
      }
    });
    assert.deepEqual(r.finalized, [`${ns}/w`]);
  });
});

void test('a repeating Event becomes one events.k8s.io/v1 Event with a series count', async () => {
  const ns = await freshNamespace();
  const r = recordingReconciler();
  await createWidget(ns, 'w', { value: 0, warn: 'disk is loud' });
  await withManager(r, ns, {}, async (m) => {
    await waitFor('reconcile', () => r.records.length >= 1);
    for (let i = 0; i < 4; i++) {
      const n = r.records.length;
      m.informer('Widget')?.resyncNow();
      await waitFor('resync reconcile', () => r.records.length > n);
    }
    await new Promise((res) => setTimeout(res, 200));
    const list = await api.request<{
      items: { reason: string; note: string; type: string; series?: { count: number }; regarding: { name: string } }[];
    }>('GET', collectionPath(resourceTypes.Event, ns));
    const mine = list.items.filter((e) => e.regarding.name === 'w' && e.reason === 'Complaint');
    assert.equal(mine.length, 1, JSON.stringify(list.items));
    assert.equal(mine[0]?.type, 'Warning');
    assert.equal(mine[0]?.note, 'disk is loud');
    assert.equal(mine[0]?.series?.count, r.records.length);
  });
});

void test('a change to a selected PiNode re-queues the objects that select it', async () => {
  const ns = await freshNamespace();
  await installPiNodeCrd(api);
  const r = recordingReconciler();
  await createWidget(ns, 'sel', { value: 1, nodeSelector: { matchLabels: { role: 'compute' } } });
  await createWidget(ns, 'other', { value: 1, nodeSelector: { matchLabels: { role: 'storage' } } });
  const nodes = collectionPath(resourceTypes.PiNode, ns);
  await withManager(
    r,
    ns,
    {
      controllers: [{ reconciler: r as unknown as Reconciler<unknown, unknown>, type: widgetType, watchNodes: true }],
    },
    async () => {
      await waitFor('initial reconciles', () => r.records.length >= 2);
      await new Promise((res) => setTimeout(res, 100));
      const start = r.records.length;
      await api.request('POST', nodes, {
        body: {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: { name: 'pi-1', namespace: ns, labels: { role: 'compute' } },
          spec: {},
        },
      });
      await waitFor('sel re-queued', () => r.records.slice(start).some((x) => x.key === `${ns}/sel`));
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(!r.records.slice(start).some((x) => x.key === `${ns}/other`), 'a non-selecting object was left alone');
      const mid = r.records.length;
      await api.request('PATCH', `${nodes}/pi-1`, {
        body: { metadata: { labels: { role: 'storage' } } },
        contentType: 'application/merge-patch+json',
      });
      await waitFor('both re-queued on relabel', () => {
        const keys = new Set(r.records.slice(mid).map((x) => x.key));
        return keys.has(`${ns}/sel`) && keys.has(`${ns}/other`);
      });
    },
  );
});

void test('health probes answer and the ClusterView serves the Secrets the objects name', async () => {
  const ns = await freshNamespace();
  const r = recordingReconciler();
  await api.request('POST', collectionPath(resourceTypes.Secret, ns), {
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: ns },
      data: { ssh: Buffer.from('k').toString('base64'), user: 'cGk=' },
    },
  });
  await createWidget(ns, 'w', { value: 1, credentialsSecretRef: { name: 'creds' } });
  await withManager(r, ns, {}, async (m) => {
    const health = `http://${m.healthAddress}`;
    assert.equal((await fetch(`${health}/healthz`)).status, 200);
    assert.equal((await fetch(`${health}/readyz`)).status, 200, 'ready once informers synced');
    const w = await waitFor('status', async () => {
      const got = await getWidget(ns, 'w');
      return got.status?.seen === 1 ? got : undefined;
    });
    assert.deepEqual(w.status?.secretKeys, ['ssh', 'user']);
  });
});

void test('a watch that silently stops delivering is recovered by the periodic resync', async () => {
  // Plain HTTP here (loopback only) so the proxy can read request lines and freeze exactly the
  // watch connections, as a dead NAT entry would, while other requests keep working.
  const plain = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0', tls: false });
  const plainApi = new ApiClient(kubeConfigFromString(plain.kubeconfig()));
  const proxy = new TcpProxy(Number(new URL(plain.url).port));
  try {
    await installWidgetCrd(plainApi);
    await proxy.start();
    await plainApi.request('POST', collectionPath(widgetType, 'default'), {
      body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { value: 1 } },
    });
    const r = recordingReconciler();
    await withManager(
      r,
      'default',
      { kubeconfig: throughProxy(plain.kubeconfig(), plain.url, proxy.port), resyncMs: 2500, watchSecrets: false },
      async (m) => {
        await waitFor('first reconcile', () => r.records.some((x) => x.value === 1));
        await waitFor('watch open', () => proxy.freezeWatches() > 0);
        const relists = m.informer('Widget')?.relists ?? 0;
        await plainApi.request('PATCH', objectPath(widgetType, 'default', 'w'), {
          body: { spec: { value: 2 } },
          contentType: 'application/merge-patch+json',
        });
        await new Promise((res) => setTimeout(res, 300));
        const seenEarly = r.records.some((x) => x.value === 2);
        await waitFor('change seen after resync', () => r.records.some((x) => x.value === 2), 10_000);
        assert.equal(seenEarly && (m.informer('Widget')?.relists ?? 0) === relists, false, 'the frozen watch delivered nothing');
        assert.ok((m.informer('Widget')?.relists ?? 0) > relists, 'seen through a relist');
      },
    );
  } finally {
    plainApi.close();
    await proxy.stop();
    await plain.stop();
  }
});

void test('a watch resumed past the retained history gets 410 and relists at once, without an error backoff', async () => {
  const plain = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0', tls: false, watchCacheSize: 5 });
  const plainApi = new ApiClient(kubeConfigFromString(plain.kubeconfig()));
  const proxy = new TcpProxy(Number(new URL(plain.url).port));
  try {
    await installWidgetCrd(plainApi);
    await proxy.start();
    const create = (name: string, value: number) =>
      plainApi.request('POST', collectionPath(widgetType, 'default'), {
        body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name }, spec: { value } },
      });
    await create('w', 1);
    const r = recordingReconciler();
    await withManager(
      r,
      'default',
      { kubeconfig: throughProxy(plain.kubeconfig(), plain.url, proxy.port), resyncMs: 600_000, watchSecrets: false },
      async (m) => {
        const inf = m.informer('Widget');
        await waitFor('first reconcile', () => r.records.some((x) => x.value === 1));
        await waitFor('watch open', () => proxy.freezeWatches() > 0);
        const restarts = inf?.restarts ?? 0;
        // More changes than the server retains, unseen by the frozen watch.
        for (let i = 0; i < 12; i++) await create(`x${i}`, i);
        proxy.endFrozen();
        await waitFor('all new objects reconciled', () => r.records.filter((x) => x.key.startsWith('default/x')).length >= 12);
        assert.ok((inf?.expiredRelists ?? 0) >= 1, 'relisted because of 410');
        assert.equal(inf?.restarts, restarts, 'no error backoff for an expired watch');
      },
    );
  } finally {
    plainApi.close();
    await proxy.stop();
    await plain.stop();
  }
});

void test('a control plane restart mid-run is survived: informers reconnect and work resumes', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bramble-cp-'));
  let current: ControlPlane | undefined = await startControlPlane({ dataDir, listen: '127.0.0.1:0' });
  const listen = `127.0.0.1:${new URL(current.url).port}`;
  const kubeconfig = current.kubeconfig();
  const ownApi = new ApiClient(kubeConfigFromString(kubeconfig));
  try {
    await installWidgetCrd(ownApi);
    const create = (name: string, value: number) =>
      ownApi.request('POST', collectionPath(widgetType, 'default'), {
        body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name }, spec: { value } },
      });
    await create('before', 1);
    const r = recordingReconciler();
    await withManager(r, 'default', { kubeconfig, watchSecrets: false }, async (m) => {
      await waitFor('reconcile before restart', () => r.records.some((x) => x.key === 'default/before'));
      await current?.stop();
      current = undefined;
      // Down long enough for the informer to fail at least once and back off.
      await waitFor('informer noticed', () => (m.informer('Widget')?.restarts ?? 0) > 0, 10_000);
      current = await startControlPlane({ dataDir, listen });
      await waitFor('api back', async () => {
        try {
          await create('after', 2);
          return true;
        } catch {
          return false;
        }
      });
      await waitFor('reconcile after restart', () => r.records.some((x) => x.key === 'default/after'), 20_000);
      assert.equal(r.overlaps, 0);
    });
  } finally {
    ownApi.close();
    await current?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
