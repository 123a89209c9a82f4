// A test-only custom resource, `Widget` (group test.bramble.dev), and a trivial reconciler
// that records what it saw: enough to prove the runtime without any Pi.
import type { ApiClient } from '../../controllers/api-client.ts';
import { isNotFound } from '../../controllers/api-client.ts';
import type { ResourceType } from '../../controllers/resource-type.ts';
import type { Reconciler, Resource } from '../../reconcilers/contract.ts';
import type { Executor } from '../../ssh/executor.ts';

export const widgetType: ResourceType = {
  group: 'test.bramble.dev',
  version: 'v1',
  kind: 'Widget',
  plural: 'widgets',
  namespaced: true,
};

/** A namespaced CRD with a status subresource whose spec and status take any fields: for test-only kinds. */
export function looseCrd(group: string, version: string, kind: string, plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      scope: 'Namespaced',
      names: { plural, singular: kind.toLowerCase(), kind, listKind: `${kind}List` },
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

const widgetCrd = looseCrd('test.bramble.dev', 'v1', 'Widget', 'widgets');

/** A PiNode CRD loose enough for the cross-kind test, installed only when none is served. */
const piNodeCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'pinodes.bramble.dev' },
  spec: {
    group: 'bramble.dev',
    scope: 'Namespaced',
    names: { plural: 'pinodes', singular: 'pinode', kind: 'PiNode', listKind: 'PiNodeList' },
    versions: [
      {
        name: 'v1alpha1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
};

export async function ensureCrd(api: ApiClient, crd: { metadata: { name: string } }, probePath: string): Promise<void> {
  try {
    await api.request('GET', probePath);
    return;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  try {
    await api.request('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', { body: crd });
  } catch (err) {
    if (!(err instanceof Error && /already exists|409/i.test(err.message))) throw err;
  }
  // Established: the collection answers.
  for (let i = 0; i < 100; i++) {
    try {
      await api.request('GET', probePath);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`${crd.metadata.name} never became served`);
}

export async function installWidgetCrd(api: ApiClient): Promise<void> {
  await ensureCrd(api, widgetCrd, '/apis/test.bramble.dev/v1/widgets');
}

export async function installPiNodeCrd(api: ApiClient): Promise<void> {
  await ensureCrd(api, piNodeCrd, '/apis/bramble.dev/v1alpha1/pinodes');
}

export interface WidgetSpec {
  value?: number;
  /** Throw this many times before succeeding (counted per object by the reconciler). */
  failTimes?: number;
  /** Time each reconcile takes. */
  delayMs?: number;
  /** Emit this Warning on every reconcile. */
  warn?: string;
  nodeSelector?: unknown;
  /** Read this Secret through the ClusterView and report its keys (never its values). */
  credentialsSecretRef?: { name: string };
}

export interface WidgetStatus {
  seen?: number;
  secretKeys?: string[];
  conditions?: { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string; lastTransitionTime: string }[];
}

export type Widget = Resource<WidgetSpec, WidgetStatus>;

export interface ReconcileRecord {
  key: string;
  value: number | undefined;
  startedAt: number;
  endedAt?: number;
  hadFinalizer: boolean;
}

export interface RecordingReconciler extends Reconciler<WidgetSpec, WidgetStatus> {
  records: ReconcileRecord[];
  finalized: string[];
  /** Same key reconciled by two workers at once (must stay 0). */
  overlaps: number;
  onStart?: (record: ReconcileRecord) => void;
}

export const widgetFinalizer = 'test.bramble.dev/cleanup';

export function recordingReconciler(options: { finalizer?: boolean } = {}): RecordingReconciler {
  const inFlight = new Set<string>();
  const failures = new Map<string, number>();
  const r: RecordingReconciler = {
    kind: 'Widget',
    finalizer: options.finalizer ? widgetFinalizer : undefined,
    records: [],
    finalized: [],
    overlaps: 0,
    async reconcile(obj: Widget, ctx) {
      const key = `${obj.metadata.namespace}/${obj.metadata.name}`;
      if (inFlight.has(key)) r.overlaps += 1;
      inFlight.add(key);
      const record: ReconcileRecord = {
        key,
        value: obj.spec.value,
        startedAt: performance.now(),
        hadFinalizer: (obj.metadata.finalizers ?? []).includes(widgetFinalizer),
      };
      r.records.push(record);
      r.onStart?.(record);
      try {
        if (obj.spec.delayMs) await new Promise((res) => setTimeout(res, obj.spec.delayMs));
        const failed = failures.get(key) ?? 0;
        if (failed < (obj.spec.failTimes ?? 0)) {
          failures.set(key, failed + 1);
          throw new Error(`planned failure ${failed + 1}`);
        }
        const secretName = obj.spec.credentialsSecretRef?.name;
        const secret = secretName ? ctx.view.getSecret(obj.metadata.namespace, secretName) : undefined;
        const now = new Date().toISOString();
        return {
          status: {
            seen: obj.spec.value,
            ...(secret ? { secretKeys: Object.keys(secret.data).sort() } : {}),
            conditions: [{ type: 'Ready', status: 'True', reason: 'Reconciled', message: 'seen', lastTransitionTime: now }],
          },
          events: obj.spec.warn ? [{ type: 'Warning' as const, reason: 'Complaint', message: obj.spec.warn }] : [],
        };
      } finally {
        record.endedAt = performance.now();
        inFlight.delete(key);
      }
    },
    async finalize(obj: Widget) {
      r.finalized.push(`${obj.metadata.namespace}/${obj.metadata.name}`);
      return { status: obj.status ?? {}, events: [], done: true };
    },
  };
  return r;
}

/** Reconcilers here never reach a Pi; any SSH use is a test bug. */
export const noSshExecutor: Executor = {
  exec: () => Promise.reject(new Error('these tests do not use SSH')),
  close: () => Promise.resolve(),
};

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
