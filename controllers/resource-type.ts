// Where a kind lives in the API: the pieces of its REST path.

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  /** Lower-case plural, the path segment. */
  plural: string;
  namespaced: boolean;
}

export function apiVersionOf(t: ResourceType): string {
  return t.group === '' ? t.version : `${t.group}/${t.version}`;
}

/** Collection path, in one namespace or across all (namespace undefined). */
export function collectionPath(t: ResourceType, namespace?: string): string {
  const prefix = t.group === '' ? `/api/${t.version}` : `/apis/${t.group}/${t.version}`;
  if (t.namespaced && namespace !== undefined) {
    return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${t.plural}`;
  }
  return `${prefix}/${t.plural}`;
}

export function objectPath(t: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(t, namespace)}/${encodeURIComponent(name)}`;
}

const bramble = (kind: string, plural: string): ResourceType => ({
  group: 'bramble.dev',
  version: 'v1alpha1',
  kind,
  plural,
  namespaced: true,
});

export const resourceTypes = {
  PiNode: bramble('PiNode', 'pinodes'),
  SlurmPartition: bramble('SlurmPartition', 'slurmpartitions'),
  GlusterVolume: bramble('GlusterVolume', 'glustervolumes'),
  MinioPool: bramble('MinioPool', 'miniopools'),
  Secret: { group: '', version: 'v1', kind: 'Secret', plural: 'secrets', namespaced: true },
  Lease: { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true },
  Event: { group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', namespaced: true },
} satisfies Record<string, ResourceType>;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

export function splitKey(key: string): { namespace: string; name: string } {
  const idx = key.indexOf('/');
  return idx < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, idx), name: key.slice(idx + 1) };
}
