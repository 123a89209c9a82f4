// kubectl's typed generators (`kubectl create secret|configmap|namespace`) send Kubernetes
// protobuf (`application/vnd.kubernetes.protobuf`): the "k8s\0" magic, a runtime.Unknown
// envelope, then the object. This decodes those three kinds into the JSON the rest of the
// server works with; any other kind is refused with 415 and the client is told to send JSON.
import { badRequest, unsupportedMediaType } from './errors.ts';

type Field = { num: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw badRequest('protobuf: truncated varint');
    const b = buf[pos++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return [result, pos];
    shift += 7n;
    if (shift > 63n) throw badRequest('protobuf: varint too long');
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [v, p2] = readVarint(buf, pos);
      out.push({ num, wire, value: v });
      pos = p2;
    } else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const end = p2 + Number(len);
      if (end > buf.length) throw badRequest('protobuf: truncated field');
      out.push({ num, wire, value: buf.subarray(p2, end) });
      pos = end;
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');
const bytes = (f: Field) => f.value as Buffer;

function mapEntry(f: Field): [string, Buffer] {
  let k = '';
  let v: Buffer = Buffer.alloc(0);
  for (const e of fields(bytes(f))) {
    if (e.num === 1) k = str(e);
    if (e.num === 2) v = bytes(e);
  }
  return [k, v];
}

function objectMeta(buf: Buffer): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const finalizers: string[] = [];
  for (const f of fields(buf)) {
    if (f.num === 1) meta.name = str(f);
    else if (f.num === 2) meta.generateName = str(f);
    else if (f.num === 3) meta.namespace = str(f);
    else if (f.num === 6) meta.resourceVersion = str(f);
    else if (f.num === 11) { const [k, v] = mapEntry(f); labels[k] = v.toString('utf8'); }
    else if (f.num === 12) { const [k, v] = mapEntry(f); annotations[k] = v.toString('utf8'); }
    else if (f.num === 14) finalizers.push(str(f));
  }
  if (Object.keys(labels).length) meta.labels = labels;
  if (Object.keys(annotations).length) meta.annotations = annotations;
  if (finalizers.length) meta.finalizers = finalizers;
  for (const k of Object.keys(meta)) if (meta[k] === '') delete meta[k];
  return meta;
}

function decodeKind(kind: string, raw: Buffer): Record<string, unknown> {
  const obj: Record<string, unknown> = { kind };
  const data: Record<string, string> = {};
  const binaryOrString: Record<string, string> = {};
  for (const f of fields(raw)) {
    if (f.num === 1) obj.metadata = objectMeta(bytes(f));
    else if (kind === 'ConfigMap') {
      if (f.num === 2) { const [k, v] = mapEntry(f); data[k] = v.toString('utf8'); }
      else if (f.num === 3) { const [k, v] = mapEntry(f); binaryOrString[k] = v.toString('base64'); }
      else if (f.num === 4) obj.immutable = f.value !== 0n;
    } else if (kind === 'Secret') {
      if (f.num === 2) { const [k, v] = mapEntry(f); data[k] = v.toString('base64'); }
      else if (f.num === 3) obj.type = str(f);
      else if (f.num === 4) { const [k, v] = mapEntry(f); binaryOrString[k] = v.toString('utf8'); }
      else if (f.num === 5) obj.immutable = f.value !== 0n;
    } else if (kind === 'Namespace') {
      if (f.num === 2) obj.spec = { finalizers: fields(bytes(f)).filter((e) => e.num === 1).map(str) };
    }
  }
  if (Object.keys(data).length) obj.data = data;
  if (Object.keys(binaryOrString).length) obj[kind === 'Secret' ? 'stringData' : 'binaryData'] = binaryOrString;
  return obj;
}

export function decodeProtobuf(buf: Buffer): Record<string, unknown> {
  if (buf.length < 4 || buf.subarray(0, 4).toString('latin1') !== 'k8s\0') throw badRequest('protobuf: missing k8s magic prefix');
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  for (const f of fields(buf.subarray(4))) {
    if (f.num === 1) {
      for (const t of fields(bytes(f))) {
        if (t.num === 1) apiVersion = str(t);
        if (t.num === 2) kind = str(t);
      }
    } else if (f.num === 2) raw = bytes(f);
  }
  if (apiVersion !== 'v1' || !['ConfigMap', 'Secret', 'Namespace'].includes(kind)) {
    throw unsupportedMediaType(`protobuf bodies are accepted for v1 ConfigMap, Secret and Namespace only, not ${apiVersion} ${kind}: send application/json`);
  }
  return { apiVersion, ...decodeKind(kind, raw) };
}
