// MinIO's ellipsis notation as the stand-in reads it: every `{a...b}` in an argument expands
// to the numbers a..b (zero-padded when `a` is), left to right, and a server argument list is
// either one pool written with ellipses or a plain list of endpoints. Pure, so it is tested
// against the reconciler's writer of the same notation.

const range = /\{(\d+)\.\.\.(\d+)\}/;

/** Every string `pattern` stands for, in MinIO's order (the leftmost range varies slowest). */
export function expandEllipses(pattern: string): string[] {
  const m = range.exec(pattern);
  if (!m) return [pattern];
  const [whole, fromText = '', toText = ''] = m;
  const from = Number(fromText);
  const to = Number(toText);
  if (to < from) throw new Error(`bad range ${whole}: ${to} < ${from}`);
  const width = fromText.startsWith('0') ? fromText.length : 0;
  const before = pattern.slice(0, m.index);
  const after = pattern.slice(m.index + whole.length);
  const out: string[] = [];
  for (let i = from; i <= to; i++) {
    for (const rest of expandEllipses(after)) out.push(`${before}${String(i).padStart(width, '0')}${rest}`);
  }
  return out;
}

export interface Endpoint {
  host: string;
  port: number;
  path: string;
}

/** `http://host:port/path` (MinIO's distributed endpoints are URLs; a bare path is a local drive). */
export function parseEndpoint(text: string): Endpoint {
  const url = new URL(text);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`not an endpoint: ${text}`);
  return { host: url.hostname, port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)), path: decodeURIComponent(url.pathname) };
}

/** The endpoints of a volume list (command-line words or MINIO_VOLUMES split on spaces). */
export function endpointsOf(volumes: readonly string[]): Endpoint[] {
  return volumes.flatMap((v) => expandEllipses(v)).map(parseEndpoint);
}
