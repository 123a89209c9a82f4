// Splits an API path the way kube-apiserver's RequestInfoFactory does:
// /api/v1/namespaces/NS/RESOURCE/NAME/SUBRESOURCE and /apis/GROUP/VERSION/…
export interface ResourceRequest {
  group: string;
  version: string;
  resource: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

export function parseResourcePath(pathname: string): ResourceRequest | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
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
