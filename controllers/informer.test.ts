// The informer flags what a relist delivers as a resync, so a relist that carries a status write
// the watch had not delivered yet still reaches the controller (a resync is never filtered as a
// status-only change). The API is faked at its edge: list pages and a watch that stays open.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ApiClient } from './api-client.ts';
import { updateNeedsReconcile } from './event-filter.ts';
import { Informer } from './informer.ts';
import type { KubeObject } from './kube-object.ts';
import { createLogger } from './logger.ts';
import { resourceTypes } from './resource-type.ts';

function widget(resourceVersion: string, status: string): KubeObject {
  return { metadata: { namespace: 'ns', name: 'w', resourceVersion, generation: 1 }, status: { phase: status } } as KubeObject;
}

/** Lists answer from `listed` (the latest server state); watches stay open until aborted. */
function fakeApi(listed: { current: KubeObject }): ApiClient {
  return {
    request: () => Promise.resolve({ metadata: { resourceVersion: listed.current.metadata.resourceVersion }, items: [listed.current] }),
    watch: (_path: string, _query: unknown, _onEvent: unknown, signal: AbortSignal) =>
      new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })),
  } as unknown as ApiClient;
}

/** An informer with no periodic resync in the test's lifetime: only resyncNow() relists. */
function informerOn(listed: { current: KubeObject }): Informer<KubeObject> {
  return new Informer<KubeObject>(fakeApi(listed), resourceTypes.PiNode, {
    resyncMs: 3_600_000,
    backoff: { baseMs: 10, capMs: 10 },
    log: createLogger({ level: 'error', write: () => {} }),
  });
}

async function until(probe: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !probe(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(probe(), 'condition not reached');
}

test('a relist that carries a status change the watch has not delivered is a resync, and the manager filter lets it through', async () => {
  const listed = { current: widget('1', 'old') };
  const informer = informerOn(listed);
  const updates: { old: KubeObject; obj: KubeObject; resync: boolean }[] = [];
  informer.addHandlers({ onUpdate: (old, obj, resync) => updates.push({ old, obj, resync }) });
  informer.start();
  try {
    await informer.waitForSync();
    // A status write happened on the server; its watch event is still in flight when we relist.
    listed.current = widget('2', 'new');
    informer.resyncNow();
    await until(() => updates.length === 1);
    const [u] = updates;
    assert.equal(u?.resync, true);
    assert.equal(u?.obj.metadata.resourceVersion, '2');
    // Seen as a watch update, this is status-only and would be dropped: the flag is what saves it.
    assert.equal(updateNeedsReconcile(u!.old, u!.obj), false);
  } finally {
    await informer.stop();
  }
});

test('cached objects carry their type and no managedFields (nothing reads them; they double the cache)', async () => {
  const withFields = {
    ...widget('1', 'old'),
    metadata: { ...widget('1', 'old').metadata, managedFields: [{ manager: 'kubectl', operation: 'Apply' }] },
  } as KubeObject;
  const informer = informerOn({ current: withFields });
  informer.start();
  try {
    await informer.waitForSync();
    const cached = informer.get('ns', 'w') as KubeObject & { metadata: { managedFields?: unknown } };
    assert.equal(cached.metadata.managedFields, undefined);
    assert.equal(cached.metadata.resourceVersion, '1');
    assert.equal(cached.kind, 'PiNode');
    assert.equal(cached.apiVersion, 'bramble.dev/v1alpha1');
  } finally {
    await informer.stop();
  }
});
