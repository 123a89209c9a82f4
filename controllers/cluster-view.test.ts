import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createClusterView } from './cluster-view.ts';
import type { Informer } from './informer.ts';
import type { KubeObject } from './kube-object.ts';

// Just the cache side of an informer: what the view reads.
function cacheOf(objects: KubeObject[]): Informer<KubeObject> {
  return {
    get: (ns: string | undefined, name: string) => objects.find((o) => o.metadata.namespace === ns && o.metadata.name === name),
    list: (ns?: string) => objects.filter((o) => ns === undefined || o.metadata.namespace === ns),
  } as unknown as Informer<KubeObject>;
}

const nodes = [
  { apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'a', namespace: 'pis', labels: { role: 'compute' } }, spec: {} },
  { apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'b', namespace: 'pis', labels: { role: 'storage' } }, spec: {} },
  { apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'c', namespace: 'lab', labels: { role: 'compute' } }, spec: {} },
];
const key = { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from('PRIVATE') } };
const view = createClusterView(
  (kind) => (kind === 'PiNode' ? cacheOf(nodes) : undefined),
  (namespace, name) => (namespace === 'pis' && name === 'key' ? key : undefined),
);

void test('list filters by namespace and label selector', () => {
  assert.deepEqual(
    view.list('PiNode', 'pis').map((n) => n.metadata.name),
    ['a', 'b'],
  );
  assert.deepEqual(
    view.list('PiNode', 'pis', { matchLabels: { role: 'compute' } }).map((n) => n.metadata.name),
    ['a'],
  );
  assert.deepEqual(view.list('SlurmPartition', 'pis'), [], 'a kind without an informer reads as empty');
});

void test('get returns a copy: a reconciler cannot change the shared cache', () => {
  const a = view.get<{
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace: string; labels?: Record<string, string> };
    spec: unknown;
  }>('PiNode', 'pis', 'a');
  assert.ok(a);
  (a.metadata.labels as Record<string, string>).role = 'changed';
  assert.equal(nodes[0]?.metadata.labels.role, 'compute');
  assert.equal(view.get('PiNode', 'pis', 'zzz'), undefined);
});

void test('getSecret is answered by the Secret source, not by an informer', () => {
  const s = view.getSecret('pis', 'key');
  assert.equal(s?.type, 'kubernetes.io/ssh-auth');
  assert.equal(s?.data['ssh-privatekey']?.toString(), 'PRIVATE');
  assert.equal(view.getSecret('lab', 'key'), undefined);
});
