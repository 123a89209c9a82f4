// The Secrets bramble's resources name, and only those: each read with a GET by name (RBAC
// `get`, no list or watch, so no other Secret of the cluster is ever in memory). Before an
// object is reconciled the Secrets it and the PiNodes of its namespace name are read if they are
// not cached yet, or were absent (a Secret created a moment ago is seen at once). What the
// PiNodes name is kept up to date from the PiNode informer's events rather than walked per
// reconcile: at 1,000 PiNodes that walk, done for every one of them, was O(N²) per resync. Every
// `refreshMs` the cached ones are read again, a change requeues the objects naming them, and a
// Secret no resource names any more is dropped from memory.
import type { SecretView } from '../reconcilers/contract.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import type { InformerHandlers } from './informer.ts';
import type { KubeObject } from './kube-object.ts';
import type { JsonLogger } from './logger.ts';
import { objectKey, objectPath, resourceTypes } from './resource-type.ts';
import { referencedSecrets } from './secret-owners.ts';
import { RepeatingTimer } from './repeating-timer.ts';
import { realClock, type TimerClock } from './timer-clock.ts';

interface Entry {
  /** undefined: the Secret does not exist (404). */
  secret: SecretView | undefined;
  resourceVersion: string | undefined;
}

interface SecretJson {
  type?: string;
  data?: Record<string, string>;
  metadata?: { resourceVersion?: string };
}

export interface ReferencedSecretsOptions {
  /** Every object of every kind bramble reconciles (from the informer caches). */
  objects(): KubeObject[];
  /** A Secret changed, appeared or went away: requeue the objects naming it. */
  changed(namespace: string, name: string): void;
  refreshMs?: number;
  clock?: TimerClock;
  log: JsonLogger;
}

export class ReferencedSecrets {
  private readonly cache = new Map<string, Entry>();
  /** Per namespace, each Secret its PiNodes name and how many of them name it. */
  private readonly namedByNodes = new Map<string, Map<string, number>>();
  /** What each PiNode (by key) named when last seen. */
  private readonly nodeNames = new Map<string, { namespace: string; names: Set<string> }>();
  private readonly timer: RepeatingTimer;
  /** GETs sent (for tests and the bench). */
  reads = 0;

  constructor(
    private readonly api: ApiClient,
    private readonly options: ReferencedSecretsOptions,
  ) {
    this.timer = new RepeatingTimer(options.clock ?? realClock, options.refreshMs ?? 30_000, () => this.refresh());
  }

  /** The cached Secret (the reconcilers' ClusterView.getSecret). */
  get(namespace: string, name: string): SecretView | undefined {
    return this.cache.get(objectKey(namespace, name))?.secret;
  }

  /**
   * For the PiNode informer: every kind reaches its Pis with their PiNodes' SSH key Secrets.
   * Registered before any handler that queues a reconcile, so a reconcile sees the PiNodes as
   * the informer's cache holds them.
   */
  readonly piNodeHandlers: InformerHandlers<KubeObject> = {
    onAdd: (node) => this.nodeSeen(node),
    onUpdate: (_old, node) => this.nodeSeen(node),
    onDelete: (node) => this.nodeGone(node),
  };

  /** Reads what `object` needs before it is reconciled: its own Secrets and its namespace's PiNodes' SSH keys. */
  async prepare(object: KubeObject | undefined): Promise<void> {
    if (!object) return;
    const namespace = object.metadata.namespace ?? '';
    const names = referencedSecrets(object.spec);
    for (const name of this.namedByNodes.get(namespace)?.keys() ?? []) names.add(name);
    await Promise.all(
      [...names].map(async (name) => {
        const cached = this.cache.get(objectKey(namespace, name));
        if (!cached?.secret) await this.read(namespace, name);
      }),
    );
  }

  start(): void {
    this.timer.start();
  }

  stop(): void {
    this.timer.stop();
  }

  /** Reads every Secret still named by some object again; forgets the rest. */
  async refresh(): Promise<void> {
    const wanted = new Set<string>();
    for (const object of this.options.objects()) {
      for (const name of referencedSecrets(object.spec)) wanted.add(objectKey(object.metadata.namespace, name));
    }
    for (const key of [...this.cache.keys()]) if (!wanted.has(key)) this.cache.delete(key);
    await Promise.all(
      [...this.cache.keys()].map(async (key) => {
        const [namespace = '', name = ''] = key.split('/');
        const before = this.cache.get(key);
        const after = await this.read(namespace, name);
        if (after && before && (after.resourceVersion !== before.resourceVersion || Boolean(after.secret) !== Boolean(before.secret))) {
          this.options.changed(namespace, name);
        }
      }),
    );
  }

  private nodeSeen(node: KubeObject): void {
    const names = referencedSecrets(node.spec);
    const key = objectKey(node.metadata.namespace, node.metadata.name);
    const before = this.nodeNames.get(key);
    // Most updates are status writes: the same names, nothing to change.
    if (before && before.names.size === names.size && [...names].every((n) => before.names.has(n))) return;
    this.nodeGone(node);
    const namespace = node.metadata.namespace ?? '';
    this.nodeNames.set(key, { namespace, names });
    let counts = this.namedByNodes.get(namespace);
    if (!counts) this.namedByNodes.set(namespace, (counts = new Map()));
    for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  }

  private nodeGone(node: KubeObject): void {
    const key = objectKey(node.metadata.namespace, node.metadata.name);
    const gone = this.nodeNames.get(key);
    if (!gone) return;
    this.nodeNames.delete(key);
    const counts = this.namedByNodes.get(gone.namespace);
    for (const name of gone.names) {
      const left = (counts?.get(name) ?? 1) - 1;
      if (left > 0) counts?.set(name, left);
      else counts?.delete(name);
    }
    if (counts?.size === 0) this.namedByNodes.delete(gone.namespace);
  }

  private async read(namespace: string, name: string): Promise<Entry | undefined> {
    const key = objectKey(namespace, name);
    this.reads++;
    try {
      const json = await this.api.request<SecretJson>('GET', objectPath(resourceTypes.Secret, namespace, name));
      const data: Record<string, Buffer> = {};
      for (const [k, v] of Object.entries(json.data ?? {})) data[k] = Buffer.from(v, 'base64');
      const entry: Entry = { secret: { type: json.type, data }, resourceVersion: json.metadata?.resourceVersion };
      this.cache.set(key, entry);
      return entry;
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 404) {
        const entry: Entry = { secret: undefined, resourceVersion: undefined };
        this.cache.set(key, entry);
        return entry;
      }
      // Keep what was read before; the next refresh tries again.
      this.options.log.warn('reading a Secret failed', { secret: key, error: (err as Error).message });
      return undefined;
    }
  }
}
