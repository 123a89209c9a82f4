// The OpenAPI v3 documents kubectl reads: it looks for a PATCH operation tagged with the
// object's group/version/kind that lists the `fieldValidation` parameter (then validation
// happens here, server-side), and for schemas tagged with x-kubernetes-group-version-kind
// (`kubectl explain`). PATCH operations do not advertise strategic merge, so kubectl computes
// strategic patches from its compiled-in types instead (as it did before OpenAPI v3), which is
// exact for the kinds served.
import { createHash } from 'node:crypto';
import { OBJECT_META, OBJECT_META_NAME, publishedSchema } from './builtin-schemas.ts';
import type { Registry } from './registry.ts';
import type { JsonSchema, ResourceType } from './types.ts';

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

export function schemaName(rt: ResourceType): string {
  const reversed = rt.group ? rt.group.split('.').reverse().join('.') : 'io.k8s.api.core';
  return `${reversed}.${rt.version}.${rt.kind}`;
}

const QUERY_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation', 'pretty', 'force'].map((name) => ({
  name,
  in: 'query',
  schema: { type: name === 'force' ? 'boolean' : 'string', uniqueItems: true },
}));

function operation(rt: ResourceType, action: string, ref: string): Record<string, unknown> {
  return {
    operationId: `${action}${rt.kind}`,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: rt.group, version: rt.version, kind: rt.kind },
    parameters: action === 'get' || action === 'delete' ? [] : QUERY_PARAMS,
    responses: { '200': { description: 'OK', content: { 'application/json': { schema: { $ref: ref } } } } },
  };
}

/** A type's schema as published: tagged with its group/version/kind. */
export function objectSchema(rt: ResourceType): JsonSchema {
  const base = publishedSchema(rt) ?? { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return { ...base, 'x-kubernetes-group-version-kind': [{ group: rt.group, version: rt.version, kind: rt.kind }] };
}

export function openApiGroupVersion(registry: Registry, group: string, version: string): Record<string, unknown> | undefined {
  const types = registry.all().filter((rt) => rt.group === group && rt.version === version);
  if (types.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { [OBJECT_META_NAME]: OBJECT_META };
  for (const rt of types) {
    const name = schemaName(rt);
    const ref = `#/components/schemas/${name}`;
    schemas[name] = objectSchema(rt);
    const prefix = `/${gvPath(group, version)}${rt.namespaced ? '/namespaces/{namespace}' : ''}/${rt.resource}`;
    if (rt.answer) {
      paths[prefix] = { post: operation(rt, 'post', ref) };
      continue;
    }
    paths[prefix] = { get: operation(rt, 'list', ref), post: operation(rt, 'post', ref) };
    paths[`${prefix}/{name}`] = {
      get: operation(rt, 'get', ref),
      put: operation(rt, 'put', ref),
      patch: operation(rt, 'patch', ref),
      delete: operation(rt, 'delete', ref),
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.32.0' }, paths, components: { schemas } };
}

export function openApiIndex(registry: Registry): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [group, versions] of registry.groups()) {
    for (const version of versions) {
      const doc = JSON.stringify(openApiGroupVersion(registry, group, version));
      const hash = createHash('sha512').update(doc).digest('hex').slice(0, 128).toUpperCase();
      paths[gvPath(group, version)] = { serverRelativeURL: `/openapi/v3/${gvPath(group, version)}?hash=${hash}` };
    }
  }
  return { paths };
}
