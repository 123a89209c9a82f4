// Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`, what client-go's
// typed clients send: kubectl create, auth can-i/whoami, Helm's release Secrets and its
// DeleteOptions) decoded into the JSON the rest of the server works with. Generic: the body's
// envelope (the "k8s\0" magic, a runtime.Unknown naming apiVersion and kind) picks a message
// from MESSAGES, the field table generated from Kubernetes' own .proto files, and every field
// is mapped to its JSON name and form as Go's JSON encoding would write it. A kind without a
// message gets 415 before anything else happens.
import { MAX_NESTING_DEPTH } from '../body-depth.ts';
import { badRequest, unsupportedMediaType } from '../errors.ts';
import type { FieldSpec } from './generate.ts';
import { MESSAGES } from './messages.ts';
import { readFields, readPackedVarints, type WireField } from './wire.ts';

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const CRD_PACKAGE = 'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions';
/** The meta/v1 bodies client-go sends under any group's apiVersion. */
const OPTION_KINDS = new Set(['DeleteOptions']);

type Obj = Record<string, unknown>;

/** The message a body of this apiVersion and kind is, if the table has it. */
export function messageFor(apiVersion: string, kind: string): string | undefined {
  if (OPTION_KINDS.has(kind)) return `${META}.${kind}`;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const pkg =
    group === ''
      ? `k8s.io.api.core.${version}`
      : group === 'apiextensions.k8s.io'
        ? `${CRD_PACKAGE}.${version}`
        : `k8s.io.api.${group.split('.')[0]}.${version}`;
  const name = `${pkg}.${kind}`;
  return MESSAGES[name] ? name : undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** metav1.Time (seconds) and MicroTime (microseconds) as Go's JSON writes them; zero is absent. */
function timestamp(message: Obj, micro: boolean): string | undefined {
  const seconds = Number(message.seconds ?? 0);
  const nanos = Number(message.nanos ?? 0);
  if (seconds === 0 && nanos === 0) return undefined;
  const iso = new Date(seconds * 1000).toISOString().slice(0, 19);
  return micro ? `${iso}.${pad(Math.floor(nanos / 1000), 6)}Z` : `${iso}Z`;
}

function rawJson(message: Obj, field: string): unknown {
  const raw = message[field];
  if (typeof raw !== 'string' || raw === '') return undefined;
  try {
    return JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown;
  } catch {
    throw badRequest('protobuf: an embedded JSON value is not JSON');
  }
}

/** Messages whose JSON form is not their fields (custom MarshalJSON in Go). */
const JSON_FORMS: Record<string, (m: Obj) => unknown> = {
  [`${META}.Time`]: (m) => timestamp(m, false),
  [`${META}.MicroTime`]: (m) => timestamp(m, true),
  [`${META}.FieldsV1`]: (m) => rawJson(m, 'Raw'),
  [`${CRD_PACKAGE}.v1.JSON`]: (m) => rawJson(m, 'raw'),
  [`${CRD_PACKAGE}.v1.JSONSchemaPropsOrArray`]: (m) => m.schema ?? m.jSONSchemas ?? [],
  [`${CRD_PACKAGE}.v1.JSONSchemaPropsOrBool`]: (m) => m.schema ?? m.allows ?? false,
  [`${CRD_PACKAGE}.v1.JSONSchemaPropsOrStringArray`]: (m) => m.schema ?? m.property ?? [],
  'k8s.io.api.authentication.v1.ExtraValue': (m) => m.items ?? [],
};

/** Proto field names that differ from the JSON names (JSONSchemaProps' `$ref`, `x-kubernetes-…`). */
function jsonName(message: string, name: string): string {
  if (!message.endsWith('.JSONSchemaProps')) return name;
  if (name === 'ref' || name === 'schema') return `$${name}`;
  if (name.startsWith('xKubernetes')) return `x${name.slice(1).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  return name;
}

function scalar(type: string, f: WireField): unknown {
  const mismatch = () => badRequest(`protobuf: a ${type} field has wire type ${f.wire}`);
  switch (type) {
    case 'string':
      if (f.wire !== 2) throw mismatch();
      return f.value.toString('utf8');
    case 'bytes':
      if (f.wire !== 2) throw mismatch();
      return f.value.toString('base64');
    case 'double':
      if (f.wire !== 1) throw mismatch();
      return f.value.readDoubleLE(0);
    case 'float':
      if (f.wire !== 5) throw mismatch();
      return f.value.readFloatLE(0);
    case 'bool':
      if (f.wire !== 0) throw mismatch();
      return f.value !== 0n;
    case 'int32':
    case 'int64':
      if (f.wire !== 0) throw mismatch();
      return Number(BigInt.asIntN(64, f.value));
    case 'uint32':
    case 'uint64':
      if (f.wire !== 0) throw mismatch();
      return Number(f.value);
    default:
      throw badRequest(`protobuf: unsupported field type ${type}`);
  }
}

function value(type: string, f: WireField, depth: number): unknown {
  if (!MESSAGES[type]) return scalar(type, f);
  if (f.wire !== 2) throw badRequest(`protobuf: a message field has wire type ${f.wire}`);
  const message = decodeMessage(type, f.value, depth + 1);
  const form = JSON_FORMS[type];
  return form ? form(message) : message;
}

function mapEntry(keyType: string, valueType: string, f: WireField, depth: number): [string, unknown] {
  if (f.wire !== 2) throw badRequest('protobuf: a map entry is not length-delimited');
  let key: unknown = '';
  let v: unknown = valueType === 'string' || valueType === 'bytes' ? '' : MESSAGES[valueType] ? (JSON_FORMS[valueType]?.({}) ?? {}) : 0;
  for (const e of readFields(f.value)) {
    if (e.num === 1) key = scalar(keyType, e);
    else if (e.num === 2) v = value(valueType, e, depth);
  }
  return [String(key), v];
}

function setOwn(obj: Obj, key: string, v: unknown): void {
  Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/** One message's fields as JSON: unknown field numbers skipped (protobuf rules), empty strings omitted (Go's omitempty). */
export function decodeMessage(type: string, buf: Buffer, depth = 0): Obj {
  if (depth > MAX_NESTING_DEPTH) throw badRequest(`protobuf: exceeded max depth of ${MAX_NESTING_DEPTH}`);
  const spec = MESSAGES[type]!;
  const out: Obj = {};
  for (const f of readFields(buf)) {
    const field: FieldSpec | undefined = spec[f.num];
    if (!field) continue;
    const [protoName, fieldType, repeated] = field;
    const name = jsonName(type, protoName);
    if (fieldType.startsWith('map:')) {
      const [, keyType, valueType] = fieldType.split(':') as [string, string, string];
      const map = (out[name] ??= {}) as Obj;
      const [k, v] = mapEntry(keyType, valueType, f, depth);
      setOwn(map, k, v);
    } else if (repeated) {
      const list = (out[name] ??= []) as unknown[];
      if (f.wire === 2 && !MESSAGES[fieldType] && fieldType !== 'string' && fieldType !== 'bytes') {
        for (const v of readPackedVarints(f.value)) list.push(scalar(fieldType, { num: f.num, wire: 0, value: v }));
      } else list.push(value(fieldType, f, depth));
    } else {
      const v = value(fieldType, f, depth);
      if (v === undefined || v === '') delete out[name];
      else setOwn(out, name, v);
    }
  }
  return out;
}

/** A whole request body: the envelope, then the object it carries, with apiVersion and kind. */
export function decodeProtobuf(buf: Buffer): Obj {
  if (buf.length < 4 || buf.subarray(0, 4).toString('latin1') !== 'k8s\0') throw badRequest('protobuf: missing k8s magic prefix');
  const envelope = decodeMessage('k8s.io.apimachinery.pkg.runtime.Unknown', buf.subarray(4));
  const typeMeta = (envelope.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (envelope.contentEncoding)
    throw unsupportedMediaType(`protobuf: content encoding ${String(envelope.contentEncoding)} is not supported: send application/json`);
  const message = messageFor(apiVersion, kind);
  if (!message) {
    throw unsupportedMediaType(
      `protobuf bodies are accepted for the built-in kinds this server serves and for DeleteOptions, not ${apiVersion} ${kind}: send application/json`,
    );
  }
  const raw = typeof envelope.raw === 'string' ? Buffer.from(envelope.raw, 'base64') : Buffer.alloc(0);
  return { apiVersion, kind, ...decodeMessage(message, raw) };
}
