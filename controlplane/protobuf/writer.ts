// The protobuf wire format, written: each function returns one encoded field, and a message is
// the concatenation of its fields. Enough for the OpenAPI v2 document kubectl asks for.

function varint(n: bigint | number): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

const tag = (num: number, wire: number): Buffer => varint((num << 3) | wire);

/** A length-delimited field: a string, bytes, or an encoded message. */
export function pbBytes(num: number, value: string | Buffer): Buffer {
  const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return Buffer.concat([tag(num, 2), varint(b.length), b]);
}

/** A message field made of the given encoded fields. */
export function pbMessage(num: number, ...fields: Buffer[]): Buffer {
  return pbBytes(num, Buffer.concat(fields));
}

/** A varint field (int32, int64, uint, bool). */
export function pbVarint(num: number, value: number | bigint | boolean): Buffer {
  return Buffer.concat([tag(num, 0), varint(typeof value === 'boolean' ? Number(value) : value)]);
}

export function pbDouble(num: number, value: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeDoubleLE(value);
  return Buffer.concat([tag(num, 1), b]);
}
