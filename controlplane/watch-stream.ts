// A watch response: newline-delimited JSON events over a chunked response, resumable from a
// resourceVersion, with bookmarks and a server-side timeout, as client-go and client-node
// informers expect. A version no longer retained ends the watch with a 410 ERROR event.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gone } from './errors.ts';
import { requestedVersion, tooLargeResourceVersion } from './resource-version.ts';
import type { Objects } from './objects.ts';
import type { Matcher } from './selectors.ts';
import type { ObjectStore } from './store.ts';
import type { KubeObject, ResourceType } from './types.ts';
import type { ChangeEvent, WatchHub } from './watch-hub.ts';

export interface WatchRequest {
  rt: ResourceType;
  namespace?: string;
  label: Matcher;
  field: Matcher;
  resourceVersion?: string;
  allowBookmarks: boolean;
  timeoutSeconds?: number;
  /** Renders each object (e.g. as a one-row Table for `kubectl get -w`). */
  render: (obj: KubeObject) => unknown;
}

export interface WatchDeps {
  hub: WatchHub;
  store: ObjectStore;
  objects: Objects;
  bookmarkIntervalMs: number;
  /** Registers a way for server shutdown to end this watch; returns the unregister. */
  track: (end: () => void) => () => void;
}

const CRD_STORAGE = 'apiextensions.k8s.io/customresourcedefinitions';

/** How long a watch without timeoutSeconds stays open (kube-apiserver: 30–60 minutes). */
function defaultTimeoutSeconds(): number {
  return 1800 + Math.floor(Math.random() * 1800);
}

export function serveWatch(req: IncomingMessage, res: ServerResponse, w: WatchRequest, deps: WatchDeps): void {
  const { rt } = w;
  const inScope = (e: ChangeEvent) =>
    e.storageKey === rt.storageKey && (w.namespace === undefined || !rt.namespaced || e.namespace === w.namespace);
  const matches = (obj: KubeObject) => w.label(obj) && w.field(obj);

  const rv = requestedVersion(w.resourceVersion);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();

  const write = (type: string, object: unknown) => {
    if (!res.writableEnded) res.write(`${JSON.stringify({ type, object })}\n`);
  };
  const deliver = (e: ChangeEvent) => {
    // Deleting a CRD ends the watches on its resources, as the apiextensions-apiserver does.
    if (rt.crdName && e.type === 'DELETED' && e.storageKey === CRD_STORAGE && e.object.metadata.name === rt.crdName) {
      finish();
      return;
    }
    if (!inScope(e)) return;
    const now = deps.objects.serve(rt, e.object);
    const before = e.previous ? deps.objects.serve(rt, e.previous) : undefined;
    const nowMatches = matches(now);
    const beforeMatches = before !== undefined && e.type !== 'ADDED' && matches(before);
    // Selector transitions: an object leaving the selection is DELETED for this watch, one
    // entering it is ADDED, as the apiserver's watch cache reports them.
    if (e.type === 'DELETED') {
      if (nowMatches || beforeMatches) write('DELETED', w.render(now));
    } else if (nowMatches && (e.type === 'ADDED' || beforeMatches)) write(e.type, w.render(now));
    else if (nowMatches) write('ADDED', w.render(now));
    else if (beforeMatches) write('DELETED', w.render(now));
  };

  let finished = false;
  let unsubscribe = () => {};
  let untrack = () => {};
  const timers: NodeJS.Timeout[] = [];
  const bookmark = () => {
    if (!w.allowBookmarks) return;
    write('BOOKMARK', {
      kind: rt.kind,
      apiVersion: rt.group ? `${rt.group}/${rt.version}` : rt.version,
      metadata: { resourceVersion: String(deps.store.currentResourceVersion()), creationTimestamp: null },
    });
  };
  const finish = () => {
    if (finished) return;
    finished = true;
    unsubscribe();
    untrack();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };

  const current = deps.store.currentResourceVersion();
  if (rv !== undefined && rv > current) {
    // Answered as kube-apiserver answers a watch it cannot start (an ERROR event carrying the
    // Status), not left waiting for versions that may never come.
    write('ERROR', tooLargeResourceVersion(rv, current).toStatus());
    finish();
    return;
  }
  if (rv === undefined) {
    for (const stored of deps.store.list(rt.storageKey, rt.namespaced ? w.namespace : undefined)) {
      const obj = deps.objects.serve(rt, stored);
      if (matches(obj)) write('ADDED', w.render(obj));
    }
  } else {
    const missed = deps.hub.since(rv);
    if (!missed) {
      const status = gone(`too old resource version: ${rv} (${deps.hub.oldestResumableVersion()})`).toStatus();
      write('ERROR', status);
      finish();
      return;
    }
    for (const e of missed) deliver(e);
  }
  unsubscribe = deps.hub.subscribe(deliver);
  untrack = deps.track(finish);
  const timeout = (w.timeoutSeconds && w.timeoutSeconds > 0 ? w.timeoutSeconds : defaultTimeoutSeconds()) * 1000;
  timers.push(
    setTimeout(() => {
      bookmark();
      finish();
    }, timeout),
  );
  if (w.allowBookmarks) {
    const every = setInterval(bookmark, deps.bookmarkIntervalMs);
    timers.push(every);
  }
  req.on('close', finish);
  res.on('close', finish);
}
