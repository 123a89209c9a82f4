// MINIO_VOLUMES from the pool's hosts and drive paths. MinIO wants one server pool written
// with its ellipsis notation (`http://10.0.0.{11...14}:9000/srv/disk{1...2}`): every node must
// compute the same endpoint list, in the same order, from the same text. Hosts and paths that
// form a numbered sequence are written that way; anything else is listed endpoint by endpoint
// (MinIO's older form, equally one pool). Pure.

interface Numbered {
  prefix: string;
  number: number;
  digits: string;
  suffix: string;
}

/** The last run of digits in `text`, with what surrounds it. */
function lastNumber(text: string): Numbered | undefined {
  const m = /^(.*?)(\d+)(\D*)$/.exec(text);
  if (!m) return undefined;
  const [, prefix = '', digits = '', suffix = ''] = m;
  return { prefix, number: Number(digits), digits, suffix };
}

/**
 * `{a...b}` notation for a list of strings that differ only in one consecutive, increasing number
 * (kept in the given order), or undefined. Zero-padded numbers must all have the same width.
 */
export function asSequence(items: readonly string[]): string | undefined {
  if (items.length < 2) return undefined;
  const parts = items.map(lastNumber);
  const first = parts[0];
  if (!first || parts.some((p) => !p)) return undefined;
  const padded = parts.some((p) => p!.digits.startsWith('0') && p!.digits.length > 1);
  for (const [i, p] of parts.entries()) {
    if (p!.prefix !== first.prefix || p!.suffix !== first.suffix || p!.number !== first.number + i) return undefined;
    if (padded && p!.digits.length !== first.digits.length) return undefined;
    if (!padded && String(p!.number) !== p!.digits) return undefined;
  }
  // A range with braces in the surrounding text would be read differently.
  if (/[{}]/.test(first.prefix + first.suffix)) return undefined;
  const last = parts[parts.length - 1]!;
  return `${first.prefix}{${first.digits}...${last.digits}}${first.suffix}`;
}

function hostPart(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Orders hosts the way people number them: 10.0.0.9 before 10.0.0.10, pi2 before pi10. */
export function naturalOrder(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** The MINIO_VOLUMES value for `hosts` (in pool order) each serving every path in `paths`. */
export function minioVolumes(hosts: readonly string[], port: number, paths: readonly string[]): string {
  if (hosts.length === 0 || paths.length === 0) throw new Error('a pool needs hosts and drive paths');
  const hostSeq = asSequence(hosts.map(hostPart));
  const pathSeq = paths.length === 1 ? paths[0] : asSequence(paths);
  if (hostSeq && pathSeq) return `http://${hostSeq}:${port}${pathSeq}`;
  return hosts.flatMap((h) => paths.map((p) => `http://${hostPart(h)}:${port}${p}`)).join(' ');
}
