// The reconcilers' read-only ClusterView, served from informer caches and the referenced-Secret
// cache (referenced-secrets.ts): no API round trip in the hot path. Kinds without an informer
// read as absent.
import type { ClusterView, LabelSelector, Resource, SecretView } from '../reconcilers/contract.ts';
import type { Informer } from './informer.ts';
import type { KubeObject } from './kube-object.ts';
import { matchesSelector } from './label-selector.ts';

export type InformerLookup = (kind: string) => Informer<KubeObject> | undefined;

export function createClusterView(
  informerFor: InformerLookup,
  secretFor: (namespace: string, name: string) => SecretView | undefined = () => undefined,
): ClusterView {
  return {
    getSecret: (namespace, name) => secretFor(namespace, name),
    list<T extends Resource<unknown, unknown>>(kind: string, namespace: string, selector?: LabelSelector): T[] {
      const objects = informerFor(kind)?.list(namespace) ?? [];
      const picked = selector ? objects.filter((o) => matchesSelector(selector, o.metadata.labels)) : objects;
      return structuredClone(picked) as unknown as T[];
    },
    get<T extends Resource<unknown, unknown>>(kind: string, namespace: string, name: string): T | undefined {
      const obj = informerFor(kind)?.get(namespace, name);
      // A copy, so a reconciler that mutates what it read cannot corrupt the shared cache.
      return obj ? (structuredClone(obj) as unknown as T) : undefined;
    },
  };
}
