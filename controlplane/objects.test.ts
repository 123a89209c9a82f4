import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.ts';
import { Objects, type WriteOptions } from './objects.ts';
import { Registry } from './registry.ts';
import { loadSchemaValidator } from './schema-bridge.ts';
import { ObjectStore } from './store.ts';
import type { KubeObject } from './types.ts';
import { WatchHub, type ChangeEvent } from './watch-hub.ts';

async function setup() {
  const store = new ObjectStore(undefined);
  const hub = new WatchHub(1000, store.currentResourceVersion());
  const registry = new Registry();
  let clock = Date.parse('2026-01-01T00:00:00Z');
  const objects = new Objects({ store, hub, registry, validator: await loadSchemaValidator(), now: () => new Date(clock) });
  objects.ensureDefaultNamespaces();
  const events: string[] = [];
  hub.subscribe((e: ChangeEvent) => events.push(`${e.type} ${e.storageKey} ${e.object.metadata.name}`));
  const rt = (group: string, resource: string) => registry.all().find((r) => r.group === group && r.resource === resource)!;
  return { store, objects, events, rt, tick: (ms: number) => (clock += ms) };
}

const opts = (): WriteOptions => ({ dryRun: false, fieldValidation: 'Strict', warnings: [] });
const cm = (name: string, extra: Partial<KubeObject> = {}): KubeObject => ({ metadata: { name }, data: { a: '1' }, ...extra });
const code = (c: number) => (e: unknown) => e instanceof ApiError && e.code === c;

void test('generateName makes a fresh valid name each time', async () => {
  const { objects, rt } = await setup();
  const a = objects.create(rt('', 'configmaps'), 'default', { metadata: { generateName: 'job-' } }, opts());
  const b = objects.create(rt('', 'configmaps'), 'default', { metadata: { generateName: 'job-' } }, opts());
  assert.match(a.metadata.name!, /^job-[a-z0-9]{5}$/);
  assert.notEqual(a.metadata.name, b.metadata.name);
});

void test('an update that changes nothing writes nothing', async () => {
  const { objects, events, rt } = await setup();
  const created = objects.create(rt('', 'configmaps'), 'default', cm('same'), opts());
  const before = events.length;
  const again = objects.update(rt('', 'configmaps'), 'default', 'same', cm('same'), undefined, opts());
  assert.equal(again.metadata.resourceVersion, created.metadata.resourceVersion);
  assert.equal(events.length, before);
});

void test('delete preconditions guard against deleting a different object', async () => {
  const { objects, rt } = await setup();
  objects.create(rt('', 'configmaps'), 'default', cm('p'), opts());
  assert.throws(() => objects.delete(rt('', 'configmaps'), 'default', 'p', { dryRun: false, preconditions: { uid: 'other' } }), code(409));
  assert.equal(objects.delete(rt('', 'configmaps'), 'default', 'p', { dryRun: false }).deleted, true);
  assert.throws(() => objects.get(rt('', 'configmaps'), 'default', 'p'), code(404));
});

void test('a terminating namespace refuses new content and goes once its last finalizer is removed', async () => {
  const { objects, events, rt } = await setup();
  const ns = rt('', 'namespaces');
  const cms = rt('', 'configmaps');
  objects.create(ns, undefined, { metadata: { name: 'lab' } }, opts());
  objects.create(cms, 'lab', cm('free'), opts());
  objects.create(cms, 'lab', cm('held', { metadata: { name: 'held', finalizers: ['bramble.dev/cleanup'] } }), opts());

  const { deleted } = objects.delete(ns, undefined, 'lab', { dryRun: false });
  assert.equal(deleted, false);
  assert.equal((objects.get(ns, undefined, 'lab').status as { phase: string }).phase, 'Terminating');
  assert.throws(() => objects.get(cms, 'lab', 'free'), code(404));
  assert.ok(objects.get(cms, 'lab', 'held').metadata.deletionTimestamp);
  assert.throws(() => objects.create(cms, 'lab', cm('late'), opts()), code(403));

  const held = objects.get(cms, 'lab', 'held');
  objects.update(cms, 'lab', 'held', { ...held, metadata: { ...held.metadata, finalizers: [] } }, undefined, opts());
  assert.throws(() => objects.get(ns, undefined, 'lab'), code(404));
  assert.deepEqual(
    events.filter((e) => e.startsWith('DELETED')),
    ['DELETED /configmaps free', 'DELETED /configmaps held', 'DELETED /namespaces lab'],
  );
});

void test('finalizers cannot be added to an object being deleted; default namespaces cannot be deleted', async () => {
  const { objects, rt } = await setup();
  const cms = rt('', 'configmaps');
  objects.create(cms, 'default', cm('f', { metadata: { name: 'f', finalizers: ['a'] } }), opts());
  objects.delete(cms, 'default', 'f', { dryRun: false });
  const current = objects.get(cms, 'default', 'f');
  assert.throws(
    () => objects.update(cms, 'default', 'f', { ...current, metadata: { ...current.metadata, finalizers: ['a', 'b'] } }, undefined, opts()),
    code(422),
  );
  assert.throws(() => objects.delete(rt('', 'namespaces'), undefined, 'default', { dryRun: false }), code(403));
});

void test('label keys and values follow the Kubernetes rules (422 naming metadata.labels)', async () => {
  const { objects, rt } = await setup();
  const cms = rt('', 'configmaps');
  objects.create(cms, 'default', cm('ok', { metadata: { name: 'ok', labels: { 'bramble.dev/role': 'worker', tier: '' } } }), opts());
  const bad: Record<string, string>[] = [{ 'bad key': 'x' }, { role: 'has space' }, { 'UPPER.example/x': 'y' }, { ['x'.repeat(64)]: 'y' }];
  for (const labels of bad) {
    assert.throws(
      () => objects.create(cms, 'default', cm('bad', { metadata: { name: 'bad', labels } }), opts()),
      (e: unknown) => e instanceof ApiError && e.code === 422 && /metadata\.labels/.test(e.message),
      JSON.stringify(labels),
    );
  }
});

void test('an immutable ConfigMap keeps its data, and stays immutable', async () => {
  const { objects, rt } = await setup();
  const cms = rt('', 'configmaps');
  objects.create(cms, 'default', cm('frozen', { immutable: true }), opts());
  const current = objects.get(cms, 'default', 'frozen');
  assert.throws(() => objects.update(cms, 'default', 'frozen', { ...current, data: { a: '2' } }, undefined, opts()), code(422));
  assert.throws(() => objects.update(cms, 'default', 'frozen', { ...current, immutable: false }, undefined, opts()), code(422));
  const labelled = objects.update(
    cms,
    'default',
    'frozen',
    { ...current, metadata: { ...current.metadata, labels: { ok: 'yes' } } },
    undefined,
    opts(),
  );
  assert.deepEqual(labelled.metadata.labels, { ok: 'yes' });
});
