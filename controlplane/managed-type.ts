// What the field manager needs to know about one served type: its field types (the published
// schema: the CRD's, or the built-in one, with ObjectMeta), how to serve an object at another
// version of the same kind (managers may have written through another version), and the fields
// each write resets — status on the main resource, spec on /status — which nobody owns.
import { publishedSchema } from './builtin-schemas.ts';
import type { Registry } from './registry.ts';
import { FieldSet, fieldElement } from './ssa/fieldpath.ts';
import type { ManagedType } from './ssa/field-manager.ts';
import { DEDUCED, typeOf } from './ssa/types.ts';
import type { KubeObject, ResourceType } from './types.ts';

export function groupVersion(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

export interface Serving {
  registry: Registry;
  /** A stored object as `rt` serves it. */
  serve(rt: ResourceType, stored: KubeObject): KubeObject;
  /** An object of `rt` as it is stored. */
  toStorage(rt: ResourceType, obj: KubeObject): KubeObject;
}

function typeRefOf(rt: ResourceType) {
  const schema = publishedSchema(rt);
  return schema ? typeOf(schema) : DEDUCED;
}

export function managedTypeOf(rt: ResourceType, subresource: string | undefined, serving: Serving): ManagedType {
  const versions = serving.registry.all().filter((t) => t.storageKey === rt.storageKey && t.kind === rt.kind);
  const ignore = new Map<string, FieldSet>();
  if (rt.statusSubresource) {
    const reset = FieldSet.of([fieldElement(subresource === 'status' ? 'spec' : 'status')]);
    for (const t of versions) ignore.set(groupVersion(t), reset);
  }
  return {
    apiVersion: groupVersion(rt),
    type: typeRefOf(rt),
    ignore,
    convert: (typed, apiVersion) => {
      const target =
        versions.find((t) => groupVersion(t) === apiVersion) ??
        serving.registry.all().find((t) => t.storageKey === rt.storageKey && groupVersion(t) === apiVersion);
      if (!target) return undefined;
      const from =
        serving.registry
          .all()
          .find((t) => t.storageKey === rt.storageKey && groupVersion(t) === (typed.value as KubeObject | null)?.apiVersion) ?? rt;
      if (target === from) return typed;
      try {
        const value = typed.value as KubeObject;
        const served = serving.serve(target, serving.toStorage(from, { ...value, metadata: value.metadata ?? {} }));
        return { value: served, type: typeRefOf(target) };
      } catch {
        return undefined;
      }
    },
  };
}
