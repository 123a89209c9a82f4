// The protobuf wire format, read: a message is a run of (field number, wire type, value).
// Truncated or malformed input is a 400, never an exception from a Buffer read.
import { badRequest } from '../errors.ts';

export type WireField = { num: number; wire: 0; value: bigint } | { num: number; wire: 1 | 5 | 2; value: Buffer };

export function readVarint(buf: Buffer, pos: number): [bigint, number] {
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

function take(buf: Buffer, pos: number, length: number): Buffer {
  if (length < 0 || pos + length > buf.length) throw badRequest('protobuf: truncated field');
  return buf.subarray(pos, pos + length);
}

export function readFields(buf: Buffer): WireField[] {
  const out: WireField[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [tag, afterTag] = readVarint(buf, pos);
    pos = afterTag;
    const num = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (wire === 0) {
      const [value, next] = readVarint(buf, pos);
      out.push({ num, wire, value });
      pos = next;
    } else if (wire === 2) {
      const [len, start] = readVarint(buf, pos);
      const value = take(buf, start, Number(len));
      out.push({ num, wire, value });
      pos = start + value.length;
    } else if (wire === 1 || wire === 5) {
      const value = take(buf, pos, wire === 1 ? 8 : 4);
      out.push({ num, wire, value });
      pos += value.length;
    } else throw badRequest(`protobuf: unsupported wire type ${wire}`);
  }
  return out;
}

/** The varints of a packed repeated scalar field. */
export function readPackedVarints(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  for (let pos = 0; pos < buf.length;) {
    const [v, next] = readVarint(buf, pos);
    out.push(v);
    pos = next;
  }
  return out;
}
