// Conformance: the real @kubernetes/client-node informer against the embedded control plane:
// add/update/delete, a control-plane restart, and a relist after 410 Gone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { installCrds, readCrdDocuments, startControlPlane, type ControlPlane, type RequestLogEntry } from '../../controlplane/index.ts';
import { REPO_ROOT } from './harness.ts';

interface PiNode extends k8s.KubernetesObject {
  spec?: Record<string, unknown>;
}

const PATH = '/apis/bramble.dev/v1alpha1/namespaces/default/pinodes';
const CRDS = readCrdDocuments(join(REPO_ROOT, 'crds')).filter((c) => (c.metadata as { name: string }).name === 'pinodes.bramble.dev');

function piNode(name: string, address: string): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name },
    spec: { address, ssh: { hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'pi-ssh' } } },
  };
}

async function waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function clientFor(cp: ControlPlane) {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cp.kubeconfig());
  const api = kc.makeApiClient(k8s.CustomObjectsApi);
  const list = () =>
    api.listNamespacedCustomObject({ group: 'bramble.dev', version: 'v1alpha1', namespace: 'default', plural: 'pinodes' }) as Promise<
      k8s.KubernetesListObject<PiNode>
    >;
  const create = (obj: PiNode) =>
    api.createNamespacedCustomObject({
      group: 'bramble.dev',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'pinodes',
      body: obj,
    }) as Promise<PiNode>;
  return { kc, api, list, create };
}

/** An informer that records what it sees and is restarted after errors, as its owner must. */
function recordingInformer(kc: k8s.KubeConfig, list: () => Promise<k8s.KubernetesListObject<PiNode>>) {
  const informer = k8s.makeInformer<PiNode>(kc, PATH, list);
  const seen: string[] = [];
  let stopped = false;
  let restarts = 0;
  informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
  informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${JSON.stringify(o.spec?.address)}`));
  informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
  informer.on('error', () => {
    if (stopped) return;
    restarts++;
    setTimeout(() => {
      if (!stopped) void informer.start().catch(() => {});
    }, 200);
  });
  return {
    informer,
    seen,
    restarts: () => restarts,
    names: () =>
      informer
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
    stop: async () => {
      stopped = true;
      await informer.stop();
    },
    resume: async () => {
      stopped = false;
      await informer.start();
    },
  };
}

void test('an informer sees add, update and delete', async () => {
  const cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0' });
  const { kc, api, list, create } = clientFor(cp);
  const rec = recordingInformer(kc, list);
  try {
    await installCrds(cp, CRDS);
    await rec.informer.start();
    await create(piNode('pi1', '10.0.0.1'));
    await waitFor('add', () => rec.seen.includes('add pi1'));
    await api.patchNamespacedCustomObject(
      {
        group: 'bramble.dev',
        version: 'v1alpha1',
        namespace: 'default',
        plural: 'pinodes',
        name: 'pi1',
        body: { spec: { address: '10.0.0.2' } },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await waitFor('update', () => rec.seen.includes('update pi1 "10.0.0.2"'));
    await api.deleteNamespacedCustomObject({
      group: 'bramble.dev',
      version: 'v1alpha1',
      namespace: 'default',
      plural: 'pinodes',
      name: 'pi1',
    });
    await waitFor('delete', () => rec.seen.includes('delete pi1'));
    assert.deepEqual(rec.seen, ['add pi1', 'update pi1 "10.0.0.2"', 'delete pi1']);
  } finally {
    await rec.stop();
    await cp.stop();
  }
});

void test('an informer survives a control plane restart, and resourceVersions continue', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bramble-cp-restart-'));
  let cp = await startControlPlane({ dataDir, listen: '127.0.0.1:0' });
  const port = new URL(cp.url).port;
  const first = clientFor(cp);
  const rec = recordingInformer(first.kc, first.list);
  try {
    await installCrds(cp, CRDS);
    await rec.informer.start();
    const before = await first.create(piNode('pi1', '10.0.0.1'));
    await waitFor('add before restart', () => rec.seen.includes('add pi1'));

    await cp.stop();
    cp = await startControlPlane({ dataDir, listen: `127.0.0.1:${port}` });
    const second = clientFor(cp);
    const after = await second.create(piNode('pi2', '10.0.0.2'));
    assert.ok(
      Number(after.metadata?.resourceVersion) > Number(before.metadata?.resourceVersion),
      'resourceVersion continues after restart',
    );
    await waitFor('add after restart', () => rec.seen.includes('add pi2'));
    assert.deepEqual(rec.names(), ['pi1', 'pi2']);
    assert.equal(rec.seen.filter((s) => s === 'add pi1').length, 1, 'pi1 was kept, not re-added');
  } finally {
    await rec.stop();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

void test('an informer whose resourceVersion is no longer retained gets 410 and relists', async () => {
  const log: RequestLogEntry[] = [];
  const cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0', watchCacheSize: 5, requestLog: (e) => log.push(e) });
  const { kc, list, create } = clientFor(cp);
  const rec = recordingInformer(kc, list);
  try {
    await installCrds(cp, CRDS);
    await rec.informer.start();
    await create(piNode('pi0', '10.0.0.100'));
    await waitFor('first add', () => rec.seen.includes('add pi0'));
    await rec.stop();
    for (let i = 1; i <= 10; i++) await create(piNode(`pi${i}`, `10.0.0.${i}`));
    const listsBefore = log.filter((e) => e.verb === 'list' && e.resource === 'pinodes').length;
    await rec.resume();
    await waitFor('relist', () => rec.names().length === 11);
    const lists = log.filter((e) => e.verb === 'list' && e.resource === 'pinodes').length;
    assert.equal(lists, listsBefore + 1, 'exactly one relist after the 410');
    assert.equal(rec.seen.filter((s) => s.startsWith('add ')).length, 11);
  } finally {
    await rec.stop();
    await cp.stop();
  }
});
