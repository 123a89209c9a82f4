// Which group/version/resources are served right now: the built-ins, plus whatever the
// stored CRDs define (creating a CRD serves its resources; deleting it stops serving them).
import { builtinTypes } from './builtin-types.ts';
import { resourceTypesOfCrd } from './crd-types.ts';
import type { KubeObject, ResourceType } from './types.ts';

export class Registry {
  private readonly builtins = builtinTypes();
  private readonly custom = new Map<string, ResourceType[]>();

  setCrd(crd: KubeObject): void {
    if (crd.metadata.name) this.custom.set(crd.metadata.name, resourceTypesOfCrd(crd));
  }

  removeCrd(name: string): void {
    this.custom.delete(name);
  }

  all(): ResourceType[] {
    return [...this.builtins, ...[...this.custom.values()].flat()];
  }

  find(group: string, version: string, resource: string): ResourceType | undefined {
    return this.all().find((rt) => rt.group === group && rt.version === version && rt.resource === resource);
  }

  /** Group/versions served, each group's versions in preference order. */
  groups(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const rt of this.all()) {
      const versions = out.get(rt.group) ?? [];
      if (!versions.includes(rt.version)) versions.push(rt.version);
      out.set(rt.group, versions);
    }
    for (const versions of out.values()) versions.sort(compareVersions);
    return out;
  }

  byKind(group: string, kind: string): ResourceType | undefined {
    return this.all().find((rt) => rt.group === group && rt.kind === kind);
  }
}

/** Kubernetes version priority: v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > anything else. */
export function compareVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [-1, 0, 0];
    const stability = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
    return [stability, Number(m[1]), Number(m[3] ?? 0)];
  };
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < 3; i++) if (ra[i] !== rb[i]) return rb[i]! - ra[i]!;
  return a < b ? -1 : a > b ? 1 : 0;
}
