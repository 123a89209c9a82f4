// pruneUnknownFields: drops what the schema does not declare, as Kubernetes does before it
// stores a custom resource. apiVersion, kind and metadata survive at the root and in embedded
// resources; x-kubernetes-preserve-unknown-fields keeps unknown keys but still prunes inside
// the properties it knows.
import type { JSONSchemaProps } from './types.ts';
import { childPath, indexPath, keyPath } from './field-path.ts';
import { isObject } from './json-value.ts';

const resourceFields = new Set(['apiVersion', 'kind', 'metadata']);

function pruneNode(schema: JSONSchemaProps, value: unknown, path: string, isResource: boolean, pruned: string[]): void {
  if (Array.isArray(value)) {
    const items = schema.items;
    if (items)
      value.forEach((item, i) => pruneNode(items, item, indexPath(path, i), items['x-kubernetes-embedded-resource'] === true, pruned));
    return;
  }
  if (!isObject(value)) return;
  const additional = schema.additionalProperties;
  const keepUnknown = schema['x-kubernetes-preserve-unknown-fields'] === true || additional === true;
  for (const key of Object.keys(value)) {
    const property = schema.properties?.[key];
    if (isResource && resourceFields.has(key)) continue;
    if (property) {
      pruneNode(property, value[key], childPath(path, key), property['x-kubernetes-embedded-resource'] === true, pruned);
    } else if (typeof additional === 'object') {
      pruneNode(additional, value[key], keyPath(path, key), additional['x-kubernetes-embedded-resource'] === true, pruned);
    } else if (!keepUnknown) {
      delete value[key];
      pruned.push(childPath(path, key));
    }
  }
}

/** Removes undeclared fields in place; returns their paths ("spec.foo", "spec.users[0].bar"). */
export function pruneUnknownFields(schema: JSONSchemaProps, obj: unknown): string[] {
  const pruned: string[] = [];
  pruneNode(schema, obj, '', true, pruned);
  return pruned;
}
