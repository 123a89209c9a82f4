// The ClusterView a plan runs against: the cluster's objects (when a cluster is configured) with
// the file's objects over them, as if the file had been applied. A file object keeps the
// status its namesake has in the cluster (facts, a host key trusted on first use), and its UID.
import { randomBytes } from 'node:crypto';
import type { ClusterView, LabelSelector, SecretView } from '../../reconcilers/contract.ts';
import { matchesSelector } from '../../controllers/label-selector.ts';
import type { AnyResource } from './manifest.ts';

const keyOf = (kind: string, namespace: string, name: string) => `${kind}/${namespace}/${name}`;

/**
 * A stand-in UID for a file object the cluster does not hold yet: the API server assigns the real
 * one on create. A fresh one per plan, so what another object marked on the Pis stays another's.
 */
const notYetCreatedUid = (): string => `not-yet-created-${randomBytes(6).toString('hex')}`;

export class PlanView implements ClusterView {
  private readonly objects = new Map<string, AnyResource>();

  constructor(
    clusterObjects: readonly AnyResource[],
    fileObjects: readonly AnyResource[],
    private readonly secrets: ReadonlyMap<string, SecretView>,
  ) {
    for (const o of clusterObjects) this.objects.set(keyOf(o.kind, o.metadata.namespace, o.metadata.name), o);
    for (const o of fileObjects) {
      const key = keyOf(o.kind, o.metadata.namespace, o.metadata.name);
      const namesake = this.objects.get(key);
      const metadata = { ...o.metadata, uid: o.metadata.uid ?? namesake?.metadata.uid ?? notYetCreatedUid() };
      this.objects.set(key, namesake?.status === undefined ? { ...o, metadata } : { ...o, metadata, status: namesake.status });
    }
  }

  /** Replaces one object (a PiNode with the facts just observed). */
  put(obj: AnyResource): void {
    this.objects.set(keyOf(obj.kind, obj.metadata.namespace, obj.metadata.name), obj);
  }

  getSecret(namespace: string, name: string): SecretView | undefined {
    return this.secrets.get(`${namespace}/${name}`);
  }

  list<T extends AnyResource>(kind: string, namespace: string, selector?: LabelSelector): T[] {
    return [...this.objects.values()]
      .filter(
        (o) => o.kind === kind && o.metadata.namespace === namespace && (!selector || matchesSelector(selector, o.metadata.labels ?? {})),
      )
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1)) as T[];
  }

  get<T extends AnyResource>(kind: string, namespace: string, name: string): T | undefined {
    return this.objects.get(keyOf(kind, namespace, name)) as T | undefined;
  }
}
