// Writes events.k8s.io/v1 Events about objects. A repeat of the same type+reason+note for the
// same object within the window bumps `series.count` on the existing Event instead of creating
// another. Event writes never fail a reconcile: errors are logged.
import type { ReconcileEvent } from '../reconcilers/contract.ts';
import { isNotFound, type ApiClient } from './api-client.ts';
import { EventDeduper } from './event-dedup.ts';
import type { KubeObject } from './kube-object.ts';
import type { JsonLogger } from './logger.ts';
import { toMicroTime } from './micro-time.ts';
import { collectionPath, objectPath, resourceTypes } from './resource-type.ts';

export interface EventRecorderOptions {
  api: ApiClient;
  /** `reportingController`, e.g. "bramble.dev/pinode-controller". */
  controller: string;
  /** `reportingInstance`: this replica. */
  instance: string;
  log: JsonLogger;
  now?: () => number;
  windowMs?: number;
  updateIntervalMs?: number;
}

// The API limits `note` to 1 kB.
const maxNoteBytes = 1024;

export class EventRecorder {
  private readonly dedup: EventDeduper;
  private readonly now: () => number;

  constructor(private readonly options: EventRecorderOptions) {
    this.now = options.now ?? Date.now;
    this.dedup = new EventDeduper({
      windowMs: options.windowMs ?? 10 * 60_000,
      updateIntervalMs: options.updateIntervalMs ?? 30_000,
    });
  }

  async record(regarding: KubeObject, event: ReconcileEvent): Promise<void> {
    const meta = regarding.metadata;
    const namespace = meta.namespace ?? 'default';
    const note = truncate(event.message, maxNoteBytes);
    const key = EventDeduper.key(meta.uid ?? `${namespace}/${meta.name}`, event.type, event.reason, note);
    const now = this.now();
    const decision = this.dedup.observe(key, now);
    try {
      if (decision.action === 'create') {
        const created = await this.options.api.request<{ metadata: { name: string } }>(
          'POST',
          collectionPath(resourceTypes.Event, namespace),
          {
            body: {
              apiVersion: 'events.k8s.io/v1',
              kind: 'Event',
              metadata: { generateName: `${meta.name}.`, namespace },
              eventTime: toMicroTime(now),
              reportingController: this.options.controller,
              reportingInstance: this.options.instance,
              action: event.reason,
              reason: event.reason,
              note,
              type: event.type,
              regarding: {
                apiVersion: regarding.apiVersion,
                kind: regarding.kind,
                name: meta.name,
                namespace,
                uid: meta.uid,
                resourceVersion: meta.resourceVersion,
              },
            },
            timeoutMs: 10_000,
          },
        );
        this.dedup.created(key, created.metadata.name);
      } else if (decision.action === 'update' && decision.name) {
        await this.options.api.request('PATCH', objectPath(resourceTypes.Event, namespace, decision.name), {
          body: { series: { count: decision.count, lastObservedTime: toMicroTime(now) } },
          contentType: 'application/merge-patch+json',
          timeoutMs: 10_000,
        });
      }
    } catch (err) {
      // A deleted (or expired) Event starts a new one next time.
      if (isNotFound(err) || decision.action === 'create') this.dedup.forget(key);
      this.options.log.warn('could not write event', { reason: event.reason, object: `${namespace}/${meta.name}`, err });
    }
  }
}

function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let out = text.slice(0, maxBytes);
  while (Buffer.byteLength(out) > maxBytes - 3) out = out.slice(0, -1);
  return `${out}...`;
}
