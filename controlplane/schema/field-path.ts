// Field paths as Kubernetes prints them: "spec.users[0].name", "spec.options[cluster.quorum-type]".

export function childPath(parent: string, property: string): string {
  return parent ? `${parent}.${property}` : property;
}

export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A map entry (additionalProperties): keys may hold dots, so they are bracketed. */
export function keyPath(parent: string, key: string): string {
  return `${parent}[${key}]`;
}

/**
 * Appends a rule's `fieldPath` (".ssh.hostKey", "['some.key']", ".items[0]") to a field path.
 * Unparseable input is appended verbatim rather than dropped, so the error still points nearby.
 */
export function appendRelativePath(base: string, relative: string): string {
  let path = base;
  const segment = /^(?:\.([A-Za-z_$][\w$-]*)|\['((?:[^'\\]|\\.)*)'\]|\[(\d+)\])/;
  let rest = relative.trim();
  while (rest.length > 0) {
    const m = segment.exec(rest);
    if (!m) return path + rest;
    if (m[1] !== undefined) path = childPath(path, m[1]);
    else if (m[2] !== undefined) path = keyPath(path, m[2].replace(/\\(.)/g, '$1'));
    else if (m[3] !== undefined) path = indexPath(path, Number(m[3]));
    rest = rest.slice(m[0].length);
  }
  return path;
}
