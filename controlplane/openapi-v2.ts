// /openapi/v2: the Swagger 2.0 document kubectl falls back to when OpenAPI v3 does not know a
// kind. Its client-side validation of a `kind: List` reads it (every item is checked against
// the definition tagged with the item's group/version/kind, an unknown kind is skipped so the
// REST mapping can answer "no matches for kind"), and so does `kubectl explain
// --output=plaintext-openapiv2`. client-go asks for it in protobuf only (gnostic's
// openapi_v2.Document); JSON is served to anyone who asks for that. The definitions are the v3
// schemas made v2-compatible as the apiextensions-apiserver does it (ToStructuralOpenAPIV2).
// There are no paths: kubectl then computes patches as it does today (compiled-in strategic
// merge for built-in kinds, JSON merge for custom resources).
import { stringify } from 'yaml';
import { OBJECT_META, OBJECT_META_NAME } from './builtin-schemas.ts';
import { KUBE_VERSION } from './discovery.ts';
import { objectSchema, schemaName } from './openapi.ts';
import { pbBytes, pbDouble, pbMessage, pbVarint } from './protobuf/writer.ts';
import type { Registry } from './registry.ts';
import type { JsonSchema } from './types.ts';

/** What kube-openapi answers with (clients may ask with the deprecated `…spec.v2@v1.0+protobuf`). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

type Schema = Record<string, unknown>;

/** One v3 structural schema made v2-compatible, refs pointing at #/definitions. */
export function toV2(schema: JsonSchema): Schema {
  const out: Schema = {};
  // `allOf: [{$ref}]` (how v3 documents a described reference) is a plain $ref in v2.
  const allOf = schema.allOf as JsonSchema[] | undefined;
  if (allOf?.length === 1 && typeof allOf[0]!.$ref === 'string')
    out.$ref = String(allOf[0]!.$ref).replace('#/components/schemas/', '#/definitions/');
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'allOf' || k === 'anyOf' || k === 'oneOf' || k === 'not' || k === 'nullable' || k === 'x-kubernetes-validations') continue;
    if (k === '$ref') out.$ref = String(v).replace('#/components/schemas/', '#/definitions/');
    else if (k === 'properties')
      out.properties = Object.fromEntries(Object.entries(v as Record<string, JsonSchema>).map(([name, p]) => [name, toV2(p)]));
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = toV2(v as JsonSchema);
    else out[k] = v;
  }
  // Untyped or open values break kubectl's v2 parser when they carry items or properties.
  if (schema.nullable === true || schema['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
    if (schema.nullable === true) delete out.type;
  }
  if (schema['x-kubernetes-int-or-string'] === true) delete out.type;
  if (out.type === 'array' && out.items === undefined) delete out.type;
  const properties = out.properties as Record<string, Schema> | undefined;
  if (properties && Array.isArray(out.required)) {
    out.required = (out.required as string[]).filter((r) => (schema.properties as Record<string, JsonSchema>)[r]?.nullable !== true);
  }
  return out;
}

export function openApiV2(registry: Registry): Schema {
  const definitions: Record<string, Schema> = { [OBJECT_META_NAME]: toV2(OBJECT_META) };
  for (const rt of registry.all()) definitions[schemaName(rt)] = toV2(objectSchema(rt));
  return { swagger: '2.0', info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion.replace(/\+.*/, '') }, paths: {}, definitions };
}

const yamlOf = (v: unknown) => stringify(v);
/** gnostic Any: the value as YAML text (field 2). */
const any = (num: number, v: unknown) => pbMessage(num, pbBytes(2, yamlOf(v)));
const namedAny = (num: number, name: string, v: unknown) => pbMessage(num, pbBytes(1, name), any(2, v));

/** gnostic openapi_v2.Schema. */
function encodeSchema(s: Schema): Buffer {
  const f: Buffer[] = [];
  const num = (n: number, k: string, enc: (n: number, v: number) => Buffer) => {
    if (typeof s[k] === 'number') f.push(enc(n, s[k] as number));
  };
  if (typeof s.$ref === 'string') f.push(pbBytes(1, s.$ref));
  if (typeof s.format === 'string') f.push(pbBytes(2, s.format));
  if (typeof s.title === 'string') f.push(pbBytes(3, s.title));
  if (typeof s.description === 'string') f.push(pbBytes(4, s.description));
  if (s.default !== undefined) f.push(any(5, s.default));
  num(7, 'maximum', pbDouble);
  if (s.exclusiveMaximum === true) f.push(pbVarint(8, true));
  num(9, 'minimum', pbDouble);
  if (s.exclusiveMinimum === true) f.push(pbVarint(10, true));
  num(11, 'maxLength', pbVarint);
  num(12, 'minLength', pbVarint);
  if (typeof s.pattern === 'string') f.push(pbBytes(13, s.pattern));
  num(14, 'maxItems', pbVarint);
  num(15, 'minItems', pbVarint);
  if (s.uniqueItems === true) f.push(pbVarint(16, true));
  num(17, 'maxProperties', pbVarint);
  num(18, 'minProperties', pbVarint);
  for (const r of (s.required as string[] | undefined) ?? []) f.push(pbBytes(19, r));
  for (const e of (s.enum as unknown[] | undefined) ?? []) f.push(any(20, e));
  if (typeof s.additionalProperties === 'boolean') f.push(pbMessage(21, pbVarint(2, s.additionalProperties)));
  else if (s.additionalProperties) f.push(pbMessage(21, pbBytes(1, encodeSchema(s.additionalProperties as Schema))));
  if (typeof s.type === 'string') f.push(pbMessage(22, pbBytes(1, s.type)));
  if (s.items) f.push(pbMessage(23, pbBytes(1, encodeSchema(s.items as Schema))));
  if (s.properties) {
    const named = Object.entries(s.properties as Record<string, Schema>).map(([k, v]) =>
      pbMessage(1, pbBytes(1, k), pbBytes(2, encodeSchema(v))),
    );
    f.push(pbMessage(25, ...named));
  }
  for (const [k, v] of Object.entries(s)) if (k.startsWith('x-')) f.push(namedAny(31, k, v));
  return Buffer.concat(f);
}

/** gnostic openapi_v2.Document, as client-go's OpenAPISchema() unmarshals it. */
export function encodeOpenApiV2(doc: Schema): Buffer {
  const info = doc.info as { title: string; version: string };
  const definitions = Object.entries(doc.definitions as Record<string, Schema>).map(([name, schema]) =>
    pbMessage(1, pbBytes(1, name), pbBytes(2, encodeSchema(schema))),
  );
  return Buffer.concat([
    pbBytes(1, String(doc.swagger)),
    pbMessage(2, pbBytes(1, info.title), pbBytes(2, info.version)),
    pbMessage(8),
    pbMessage(9, ...definitions),
  ]);
}

/** Whether the Accept header prefers the protobuf form (client-go asks for nothing else) to JSON. */
export function wantsV2Protobuf(accept: string | undefined): boolean {
  let best: { proto: boolean; q: number } | undefined;
  for (const item of (accept ?? '').split(',')) {
    const [type, ...params] = item.split(';').map((p) => p.trim());
    const proto = /^application\/com\.github\.proto-openapi\.spec\.v2[.@]v1\.0\+protobuf$/.test(type ?? '');
    if (!proto && type !== 'application/json' && type !== '*/*') continue;
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? 1);
    if (!best || q > best.q) best = { proto, q };
  }
  return best?.proto === true;
}
