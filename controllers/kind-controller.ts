// Turns a contract Reconciler into a reconcile-by-key function: read from cache, return quietly
// when gone, add the finalizer before any side effect, reconcile or finalize, write status only
// when it changed, emit de-duplicated Events, and ask for the requeue the reconciler wants.
import type { ReconcileContext, ReconcileResult, Reconciler, Resource } from '../reconcilers/contract.ts';
import { isNotFound } from './api-client.ts';
import type { ReconcileFn } from './controller.ts';
import type { EventRecorder } from './event-recorder.ts';
import type { Informer } from './informer.ts';
import type { KubeObject } from './kube-object.ts';
import type { ObjectWriter } from './object-writer.ts';
import { splitKey } from './resource-type.ts';
import { desiredStatus } from './status-conditions.ts';

export interface KindControllerDeps {
  reconciler: Reconciler<unknown, unknown>;
  informer: Informer<KubeObject>;
  writer: ObjectWriter;
  events: EventRecorder;
  context: ReconcileContext;
}

type AnyResource = Resource<unknown, unknown>;

export function kindReconcileFn(deps: KindControllerDeps): ReconcileFn {
  const { reconciler, informer, writer, events, context } = deps;
  const now = (): Date => context.clock.now();

  /** Writes status and events; returns the object as stored after the status write. */
  const publish = async (obj: KubeObject, result: ReconcileResult<unknown>): Promise<KubeObject> => {
    const status = desiredStatus(result.status, obj.status, obj.metadata.generation, now());
    let stored = obj;
    try {
      stored = await writer.patchStatus(obj, status);
    } catch (err) {
      // The object vanished meanwhile: nothing left to report on.
      if (!isNotFound(err)) throw err;
    }
    for (const event of result.events) await events.record(obj, event);
    return stored;
  };

  return async (key) => {
    const { namespace, name } = splitKey(key);
    const cached = informer.get(namespace, name);
    if (!cached) return {};
    // Reconcilers get a copy: the cache is shared and must not change under them.
    let obj = structuredClone(cached);
    const finalizer = reconciler.finalizer;
    try {
      if (obj.metadata.deletionTimestamp) {
        if (!finalizer || !(obj.metadata.finalizers ?? []).includes(finalizer)) return {};
        if (!reconciler.finalize) {
          await writer.removeFinalizer(obj, finalizer);
          return {};
        }
        const result = await reconciler.finalize(obj as unknown as AnyResource, context);
        const stored = await publish(obj, result);
        if (result.done) {
          await writer.removeFinalizer(stored, finalizer);
          return {};
        }
        return { requeueAfterMs: result.requeueAfterMs, requeue: result.requeueAfterMs === undefined };
      }
      if (finalizer && !(obj.metadata.finalizers ?? []).includes(finalizer)) {
        obj = await writer.addFinalizer(obj, finalizer);
      }
      const result = await reconciler.reconcile(obj as unknown as AnyResource, context);
      await publish(obj, result);
      return { requeueAfterMs: result.requeueAfterMs };
    } catch (err) {
      // Gone between the cache read and the write (the cache lags a delete): nothing to do.
      if (isNotFound(err)) return {};
      throw err;
    }
  };
}
