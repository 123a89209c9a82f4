// Discovery documents: legacy (/api, /apis, /apis/G/V) and the aggregated
// apidiscovery.k8s.io/v2 form kubectl ≥ 1.30 asks for first.
import type { Registry } from './registry.ts';
import type { ResourceType } from './types.ts';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0+bramble' };

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
export const STATUS_VERBS = ['get', 'patch', 'update'];

/** The verbs a type serves (create only for the answered kinds). */
export function verbsOf(rt: ResourceType): string[] {
  return rt.answer ? ['create'] : VERBS;
}

export function versionInfo(): Record<string, string> {
  return {
    ...KUBE_VERSION,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2026-01-01T00:00:00Z',
    goVersion: 'go1.23.0',
    compiler: 'gc',
    platform: `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}

function groupVersion(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}

export function legacyCoreVersions(): Record<string, unknown> {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '' }],
  };
}

function apiGroup(group: string, versions: string[]): Record<string, unknown> {
  const vs = versions.map((v) => ({ groupVersion: groupVersion(group, v), version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function legacyGroupList(registry: Registry): Record<string, unknown> {
  const groups = [...registry.groups()].filter(([g]) => g !== '').map(([g, vs]) => apiGroup(g, vs));
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function legacyGroup(registry: Registry, group: string): Record<string, unknown> | undefined {
  const versions = registry.groups().get(group);
  if (!versions || group === '') return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group, versions) };
}

export function resourceList(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.all().filter((rt) => rt.group === group && rt.version === version);
  if (types.length === 0) return undefined;
  const resources: Record<string, unknown>[] = [];
  for (const rt of types) {
    resources.push({
      name: rt.resource,
      singularName: rt.singular,
      namespaced: rt.namespaced,
      kind: rt.kind,
      verbs: verbsOf(rt),
      ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
      ...(rt.categories.length ? { categories: rt.categories } : {}),
    });
    if (rt.statusSubresource) {
      resources.push({ name: `${rt.resource}/status`, singularName: '', namespaced: rt.namespaced, kind: rt.kind, verbs: STATUS_VERBS });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: groupVersion(group, version), resources };
}

function aggregatedResource(rt: ResourceType): Record<string, unknown> {
  const responseKind = { group: rt.group, version: rt.version, kind: rt.kind };
  return {
    resource: rt.resource,
    responseKind,
    scope: rt.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: rt.singular,
    verbs: verbsOf(rt),
    ...(rt.shortNames.length ? { shortNames: rt.shortNames } : {}),
    ...(rt.categories.length ? { categories: rt.categories } : {}),
    ...(rt.statusSubresource ? { subresources: [{ subresource: 'status', responseKind, verbs: STATUS_VERBS }] } : {}),
  };
}

export const AGGREGATED_CONTENT_TYPE = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';

/** `/api` (core only) or `/apis` (every named group) as one aggregated document. */
export function aggregatedDiscovery(registry: Registry, core: boolean): Record<string, unknown> {
  const items = [...registry.groups()]
    .filter(([g]) => (core ? g === '' : g !== ''))
    .map(([group, versions]) => ({
      metadata: { name: group, creationTimestamp: null },
      versions: versions.map((version) => ({
        version,
        resources: registry
          .all()
          .filter((rt) => rt.group === group && rt.version === version)
          .map(aggregatedResource),
        freshness: 'Current',
      })),
    }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}

/** Whether the Accept header asks for aggregated discovery (any v2 / v2beta1 form). */
export function wantsAggregated(accept: string | undefined): boolean {
  return !!accept && /g=apidiscovery\.k8s\.io/.test(accept) && /as=APIGroupDiscoveryList/.test(accept);
}
