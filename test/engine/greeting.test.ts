// Adding a kind is small: the test-only Greeting kind (greeting-kind.ts, four functions for
// reconcile and four for delete) runs through the real engine and the real runtime (manager,
// informer, work queue, status and finalizer writes) against the embedded control plane. Only the
// SSH edge is a stand-in: the executor runs the real scripts in this machine's shell, and each
// "host" is a directory here.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, isNotFound } from '../../controllers/api-client.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { createLogger } from '../../controllers/logger.ts';
import { startManager } from '../../controllers/manager.ts';
import { collectionPath, objectPath } from '../../controllers/resource-type.ts';
import type { Reconciler } from '../../reconcilers/contract.ts';
import { createKindReconciler } from '../../reconcilers/shared/engine.ts';
import { LocalShellExecutor } from '../../reconcilers/shared/local-shell-executor.ts';
import { startControlPlane, type ControlPlane } from '../controllers/control-plane.ts';
import { ensureCrd, looseCrd, waitFor } from '../controllers/widget.ts';
import { greetingKind, greetingType, type Greeting } from './greeting-kind.ts';

let cp: ControlPlane;
let api: ApiClient;
let dir: string;

const greetingCrd = looseCrd(greetingType.group, greetingType.version, 'Greeting', greetingType.plural);

before(async () => {
  cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0' });
  api = new ApiClient(kubeConfigFromString(cp.kubeconfig()));
  await ensureCrd(api, greetingCrd, '/apis/test.bramble.dev/v1/greetings');
  dir = mkdtempSync(join(tmpdir(), 'bramble-greeting-'));
  for (const host of ['a', 'b', 'c']) mkdirSync(join(dir, host));
});

after(async () => {
  api?.close();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const get = (ns: string, name: string) => api.request<Greeting>('GET', objectPath(greetingType, ns, name));
const ready = (g: Greeting) => g.status?.conditions?.find((c) => c.type === 'Ready');
const file = (host: string) => join(dir, host, 'greeting');

void test('a Greeting is written to its hosts, rewritten on change, refused on a file bramble did not write, and removed on delete', async () => {
  const ns = 'greet';
  await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } } });
  const executor = new LocalShellExecutor();
  const manager = await startManager({
    kubeConfig: kubeConfigFromString(cp.kubeconfig()),
    namespace: ns,
    leaderElect: false,
    metricsBindAddress: '127.0.0.1:0',
    healthProbeBindAddress: '127.0.0.1:0',
    controllers: [
      { reconciler: createKindReconciler(greetingKind) as unknown as Reconciler<unknown, unknown>, type: greetingType, concurrency: 2 },
    ],
    executor,
    log: createLogger({ level: 'error' }),
    backoff: { baseMs: 20, capMs: 500 },
    informerBackoff: { baseMs: 100, capMs: 1000 },
    eventUpdateIntervalMs: 0,
    shutdownTimeoutMs: 5000,
  });
  try {
    await manager.synced();
    const create = (name: string, message: string, hosts: string[]) =>
      api.request('POST', collectionPath(greetingType, ns), {
        body: {
          apiVersion: 'test.bramble.dev/v1',
          kind: 'Greeting',
          metadata: { name, namespace: ns },
          spec: { message, files: hosts.map((h) => ({ host: h, path: file(h) })) },
        },
      });

    await create('hello', 'hello', ['a', 'b']);
    const greeted = await waitFor('Ready', async () => ready(await get(ns, 'hello'))?.status === 'True' && get(ns, 'hello'));
    assert.equal(readFileSync(file('a'), 'utf8'), 'hello\n');
    assert.equal(readFileSync(file('b'), 'utf8'), 'hello\n');
    assert.deepEqual(
      greeted.status?.greeted?.map((f) => f.host),
      ['a', 'b'],
    );
    assert.ok(greeted.metadata.finalizers?.includes(greetingKind.finalizer));
    const writes = () => executor.calls.filter((c) => c.command.includes('bramble-write')).length;
    assert.equal(writes(), 4, 'a marker and the greeting on each host');

    await api.request('PATCH', objectPath(greetingType, ns, 'hello'), {
      body: { spec: { message: 'bonjour' } },
      contentType: 'application/merge-patch+json',
    });
    await waitFor('the new message on both hosts', () => ['a', 'b'].every((h) => readFileSync(file(h), 'utf8') === 'bonjour\n'));

    // A file someone else wrote is never overwritten: Stalled with a reason, the file as it was.
    writeFileSync(file('c'), 'mine\n');
    await create('intruder', 'hi', ['c']);
    const refused = await waitFor('NotOurs', async () => ready(await get(ns, 'intruder'))?.reason === 'NotOurs' && get(ns, 'intruder'));
    assert.equal(refused.status?.conditions?.find((c) => c.type === 'Stalled')?.status, 'True');
    assert.equal(readFileSync(file('c'), 'utf8'), 'mine\n');

    // Delete removes only what the record names and the marker confirms.
    for (const name of ['hello', 'intruder']) await api.request('DELETE', objectPath(greetingType, ns, name));
    for (const name of ['hello', 'intruder']) {
      await waitFor(`${name} gone`, async () =>
        get(ns, name).then(
          () => false,
          (e: unknown) => isNotFound(e),
        ),
      );
    }
    assert.equal(existsSync(file('a')), false);
    assert.equal(existsSync(file('b')), false);
    assert.equal(readFileSync(file('c'), 'utf8'), 'mine\n', 'the refused Greeting recorded nothing, so deleted nothing');
  } finally {
    await manager.stop();
  }
});
