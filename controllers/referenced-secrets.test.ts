import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type ApiClient } from './api-client.ts';
import { FakeClock } from './fake-clock.ts';
import type { KubeObject } from './kube-object.ts';
import { createLogger } from './logger.ts';
import { ReferencedSecrets } from './referenced-secrets.ts';

const obj = (namespace: string, name: string, spec: unknown): KubeObject =>
  ({ apiVersion: 'bramble.dev/v1alpha1', kind: 'X', metadata: { namespace, name }, spec }) as KubeObject;

/** The API server side: Secrets by path, and every request made. */
function fakeApi(secrets: Map<string, { rv: string; value: string }>): { api: ApiClient; requests: string[] } {
  const requests: string[] = [];
  const api = {
    request: (method: string, path: string) => {
      requests.push(`${method} ${path}`);
      const s = secrets.get(path);
      if (!s) return Promise.reject(new ApiError(404, 'NotFound', 'not found'));
      return Promise.resolve({ type: 'Opaque', metadata: { resourceVersion: s.rv }, data: { v: Buffer.from(s.value).toString('base64') } });
    },
  } as unknown as ApiClient;
  return { api, requests };
}

void test("before a reconcile only the Secrets the object and its namespace's PiNodes name are read, each by name", async () => {
  const secrets = new Map([
    ['/api/v1/namespaces/lab/secrets/ssh', { rv: '1', value: 'KEY' }],
    ['/api/v1/namespaces/lab/secrets/munge', { rv: '1', value: 'MUNGE' }],
    ['/api/v1/namespaces/lab/secrets/unrelated', { rv: '1', value: 'NOT OURS' }],
  ]);
  const { api, requests } = fakeApi(secrets);
  const pi = obj('lab', 'pi0', { ssh: { privateKeySecretRef: { name: 'ssh' } } });
  const batch = obj('lab', 'batch', { mungeKeySecretRef: { name: 'munge' } });
  const elsewhere = obj('other', 'pi9', { ssh: { privateKeySecretRef: { name: 'other-ssh' } } });
  const cache = new ReferencedSecrets(api, {
    objects: () => [pi, batch, elsewhere],
    changed: () => undefined,
    log: createLogger({ level: 'error' }),
  });
  cache.piNodeHandlers.onAdd?.(pi);
  cache.piNodeHandlers.onAdd?.(elsewhere);
  await cache.prepare(batch);
  assert.deepEqual(requests.sort(), ['GET /api/v1/namespaces/lab/secrets/munge', 'GET /api/v1/namespaces/lab/secrets/ssh']);
  assert.equal(cache.get('lab', 'munge')?.data.v?.toString(), 'MUNGE');
  assert.equal(cache.get('lab', 'unrelated'), undefined);
  await cache.prepare(batch);
  assert.equal(requests.length, 2, 'cached Secrets are not read again before a reconcile');
});

void test('a Secret that was absent is read again before each reconcile, so one created a moment ago is seen', async () => {
  const secrets = new Map<string, { rv: string; value: string }>();
  const { api, requests } = fakeApi(secrets);
  const pi = obj('lab', 'pi0', { ssh: { privateKeySecretRef: { name: 'late' } } });
  const cache = new ReferencedSecrets(api, { objects: () => [pi], changed: () => undefined, log: createLogger({ level: 'error' }) });
  cache.piNodeHandlers.onAdd?.(pi);
  await cache.prepare(pi);
  assert.equal(cache.get('lab', 'late'), undefined);
  secrets.set('/api/v1/namespaces/lab/secrets/late', { rv: '5', value: 'NOW' });
  await cache.prepare(pi);
  assert.equal(cache.get('lab', 'late')?.data.v?.toString(), 'NOW');
  assert.equal(requests.length, 2);
});

void test('every 30 s the cached Secrets are read again: a change requeues, an unchanged one does not, one no longer named is forgotten', async () => {
  const secrets = new Map([
    ['/api/v1/namespaces/lab/secrets/ssh', { rv: '1', value: 'KEY' }],
    ['/api/v1/namespaces/lab/secrets/creds', { rv: '1', value: 'PW' }],
  ]);
  const { api, requests } = fakeApi(secrets);
  const clock = new FakeClock(0);
  const pi = obj('lab', 'pi0', { ssh: { privateKeySecretRef: { name: 'ssh' } } });
  let pool = obj('lab', 'pool', { credentialsSecretRef: { name: 'creds' } });
  const changed: string[] = [];
  const cache = new ReferencedSecrets(api, {
    objects: () => [pi, pool],
    changed: (ns, name) => changed.push(`${ns}/${name}`),
    clock,
    log: createLogger({ level: 'error' }),
  });
  cache.piNodeHandlers.onAdd?.(pi);
  await cache.prepare(pool);
  cache.start();
  await clock.advance(30_000);
  assert.equal(requests.length, 4, 'both read again after 30 s');
  assert.deepEqual(changed, []);
  secrets.set('/api/v1/namespaces/lab/secrets/creds', { rv: '2', value: 'NEW PW' });
  await clock.advance(30_000);
  assert.deepEqual(changed, ['lab/creds']);
  assert.equal(cache.get('lab', 'creds')?.data.v?.toString(), 'NEW PW');
  secrets.delete('/api/v1/namespaces/lab/secrets/ssh');
  await clock.advance(30_000);
  assert.deepEqual(changed, ['lab/creds', 'lab/ssh'], 'a deleted Secret is a change');
  assert.equal(cache.get('lab', 'ssh'), undefined);
  pool = obj('lab', 'pool', { credentialsSecretRef: { name: 'creds-2' } });
  const before = requests.length;
  await clock.advance(30_000);
  assert.equal(cache.get('lab', 'creds'), undefined, 'no longer named: dropped from memory');
  assert.deepEqual(requests.slice(before), ['GET /api/v1/namespaces/lab/secrets/ssh'], 'and not read any more');
  cache.stop();
});

void test("what the PiNodes name follows the informer: an added PiNode's Secret, a changed reference, a deleted PiNode, a Secret two PiNodes share", async () => {
  // No Secret exists: every name prepare considers is read again each time, so the GETs are the names.
  const { api, requests } = fakeApi(new Map());
  const cache = new ReferencedSecrets(api, { objects: () => [], changed: () => undefined, log: createLogger({ level: 'error' }) });
  const read = async (object: KubeObject): Promise<string[]> => {
    requests.length = 0;
    await cache.prepare(object);
    return requests.map((r) => r.replace('GET /api/v1/namespaces/', '')).sort();
  };
  const pool = obj('lab', 'pool', { credentialsSecretRef: { name: 'creds' } });
  const pi = (name: string, key: string, namespace = 'lab'): KubeObject =>
    obj(namespace, name, { ssh: { privateKeySecretRef: { name: key } } });
  const h = cache.piNodeHandlers;

  assert.deepEqual(await read(pool), ['lab/secrets/creds']);
  h.onAdd?.(pi('pi0', 'ssh-a'));
  h.onAdd?.(pi('pi1', 'ssh-a'));
  h.onAdd?.(pi('pi9', 'ssh-other', 'other'));
  assert.deepEqual(await read(pool), ['lab/secrets/creds', 'lab/secrets/ssh-a'], "another namespace's PiNodes do not count");
  h.onUpdate?.(pi('pi0', 'ssh-a'), pi('pi0', 'ssh-b'), false);
  assert.deepEqual(await read(pool), ['lab/secrets/creds', 'lab/secrets/ssh-a', 'lab/secrets/ssh-b'], 'pi1 still names ssh-a');
  h.onDelete?.(pi('pi1', 'ssh-a'));
  assert.deepEqual(await read(pool), ['lab/secrets/creds', 'lab/secrets/ssh-b'], 'no PiNode names ssh-a any more');
  h.onUpdate?.(pi('pi0', 'ssh-b'), pi('pi0', 'ssh-b'), true);
  h.onUpdate?.(pi('pi0', 'ssh-b'), pi('pi0', 'ssh-b'), true);
  h.onDelete?.(pi('pi0', 'ssh-b'));
  assert.deepEqual(await read(pool), ['lab/secrets/creds'], 'a resync delivering the same PiNode again does not count it twice');
  assert.deepEqual(await read(pi('pi9', 'ssh-other', 'other')), ['other/secrets/ssh-other']);
});
