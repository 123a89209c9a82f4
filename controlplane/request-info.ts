// Reads a request target as Go's net/http and kube-apiserver's RequestInfoFactory do: the path
// percent-decoded once (a malformed escape is 400, as Go answers it), `.` and `..` segments
// refused (never resolved), then split into /api/v1/namespaces/NS/RESOURCE/NAME/SUBRESOURCE
// or /apis/GROUP/VERSION/….
import { badRequest } from './errors.ts';

export interface RequestTarget {
  /** Decoded path without trailing slashes ("/" for the root). */
  path: string;
  query: URLSearchParams;
}

const ESCAPE = /%(?![0-9A-Fa-f]{2})/;

function decode(part: string, what: string): string {
  const bad = ESCAPE.exec(part);
  if (bad) throw badRequest(`invalid URL escape ${JSON.stringify(part.slice(bad.index, bad.index + 3))} in the ${what}`);
  try {
    return decodeURIComponent(what === 'query' ? part.replace(/\+/g, ' ') : part);
  } catch {
    // Valid escapes that are not UTF-8 (e.g. %ff).
    throw badRequest(`invalid URL escape in the ${what}: not UTF-8`);
  }
}

export function parseRequestTarget(raw: string): RequestTarget {
  if (!raw.startsWith('/')) throw badRequest('the request target must be an absolute path');
  const q = raw.indexOf('?');
  const rawPath = q < 0 ? raw : raw.slice(0, q);
  const rawQuery = q < 0 ? '' : raw.slice(q + 1);
  const decoded = decode(rawPath, 'path');
  if (decoded.split('/').some((s) => s === '.' || s === '..')) {
    throw badRequest('the request path may not contain "." or ".." segments');
  }
  const query = new URLSearchParams();
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    query.append(decode(eq < 0 ? pair : pair.slice(0, eq), 'query'), eq < 0 ? '' : decode(pair.slice(eq + 1), 'query'));
  }
  return { path: decoded.replace(/\/+$/, '') || '/', query };
}
export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `pathname` as parseRequestTarget returns it (already decoded). */
export function parseResourcePath(pathname: string): ResourceRequest | undefined {
  const parts = pathname.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    // /namespaces/NAME and /namespaces/NAME/status|finalize address the namespace itself.
    if (rest.length > 2 && rest[2] !== 'status' && rest[2] !== 'finalize') rest = rest.slice(2);
    else return { group, version, resource: 'namespaces', name: rest[1], subresource: rest[2] };
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  return { group, version, resource: rest[0]!, namespace, name: rest[1], subresource: rest[2] };
}
