// The Secrets bramble's resources name, and only those: each read with a GET by name (RBAC
// `get`, no list or watch, so no other Secret of the cluster is ever in memory). Before an
// object is reconciled the Secrets it and the PiNodes of its namespace name are read if they are
// not cached yet, or were absent (a Secret created a moment ago is seen at once); every
// `refreshMs` the cached ones are read again, a change requeues the objects naming them, and a
// Secret no resource names any more is dropped from memory.
import type { SecretView } from '../reconcilers/contract.ts';
import { ApiError, type ApiClient } from './api-client.ts';
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
  /** The PiNodes of a namespace: every kind reaches its Pis with their SSH key Secrets. */
  piNodes(namespace: string): KubeObject[];
  /** A Secret changed, appeared or went away: requeue the objects naming it. */
  changed(namespace: string, name: string): void;
  refreshMs?: number;
  clock?: TimerClock;
  log: JsonLogger;
}

export class ReferencedSecrets {
  private readonly cache = new Map<string, Entry>();
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

  /** Reads what `object` needs before it is reconciled: its own Secrets and its namespace's PiNodes' SSH keys. */
  async prepare(object: KubeObject | undefined): Promise<void> {
    if (!object) return;
    const namespace = object.metadata.namespace ?? '';
    const names = referencedSecrets(object.spec);
    for (const node of this.options.piNodes(namespace)) referencedSecrets(node.spec, names);
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
