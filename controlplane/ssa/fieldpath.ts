// Field paths and sets of them, as structured-merge-diff (sigs.k8s.io/structured-merge-diff
// fieldpath) defines them: a path element is a field name (`f:spec`), the key of an item in a
// list-map (`k:{"name":"a"}`), a value of a set (`v:"x"`) or an index (`i:0`); a set is a trie
// whose nodes may themselves be members. FieldsV1 — what metadata.managedFields carries — is that
// trie as JSON, "." marking a node that is itself a member.

export type PathElement =
  | { readonly kind: 'f'; readonly key: string; readonly name: string }
  | { readonly kind: 'k'; readonly key: string; readonly fields: readonly (readonly [string, unknown])[] }
  | { readonly kind: 'v'; readonly key: string; readonly value: unknown }
  | { readonly kind: 'i'; readonly key: string; readonly index: number };

export type Path = readonly PathElement[];

/** JSON with object keys sorted: one spelling per value, so equal values have equal keys. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export function fieldElement(name: string): PathElement {
  return { kind: 'f', key: `f:${name}`, name };
}

export function keyElement(fields: [string, unknown][]): PathElement {
  const sorted = [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const key = `k:{${sorted.map(([n, v]) => `${JSON.stringify(n)}:${canonicalJson(v)}`).join(',')}}`;
  return { kind: 'k', key, fields: sorted };
}

export function valueElement(value: unknown): PathElement {
  return { kind: 'v', key: `v:${canonicalJson(value)}`, value };
}

export function indexElement(index: number): PathElement {
  return { kind: 'i', key: `i:${index}`, index };
}

/** A FieldsV1 key back into its path element; throws on anything else. */
export function parseElement(s: string): PathElement {
  const body = s.slice(2);
  if (s[1] !== ':') throw new Error(`missing colon: ${s}`);
  switch (s[0]) {
    case 'f':
      return fieldElement(body);
    case 'v':
      return valueElement(JSON.parse(body) as unknown);
    case 'k': {
      const parsed = JSON.parse(body) as unknown;
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`a key must be an object: ${s}`);
      return keyElement(Object.entries(parsed));
    }
    case 'i':
      if (!/^\d+$/.test(body)) throw new Error(`bad index: ${s}`);
      return indexElement(Number(body));
    default:
      throw new Error(`unknown path element type: ${s}`);
  }
}

/** Go's %q, what structured-merge-diff prints string values with. */
function quote(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : canonicalJson(v);
}

/** How kube-apiserver prints a path element in a conflict: `.spec`, `[name="a"]`, `[="x"]`, `[0]`. */
export function describeElement(pe: PathElement): string {
  switch (pe.kind) {
    case 'f':
      return `.${pe.name}`;
    case 'k':
      return `[${pe.fields.map(([n, v]) => `${n}=${quote(v)}`).join(',')}]`;
    case 'v':
      return `[=${quote(pe.value)}]`;
    case 'i':
      return `[${pe.index}]`;
  }
}

export function describePath(path: Path): string {
  return path.map(describeElement).join('');
}

const KIND_ORDER = { f: 0, k: 1, v: 2, i: 3 };

/** The order structured-merge-diff keeps elements in: field names, then keys, values, indexes. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (a.kind === 'i' && b.kind === 'i') return a.index - b.index;
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

export class FieldSet {
  readonly members = new Map<string, PathElement>();
  readonly children = new Map<string, { pe: PathElement; set: FieldSet }>();

  static of(...paths: Path[]): FieldSet {
    const s = new FieldSet();
    for (const p of paths) s.insert(p);
    return s;
  }

  insert(path: Path): void {
    if (path.length === 0) return;
    if (path.length === 1) {
      this.members.set(path[0]!.key, path[0]!);
      return;
    }
    this.descend(path[0]!).insert(path.slice(1));
  }

  private descend(pe: PathElement): FieldSet {
    let child = this.children.get(pe.key);
    if (!child) {
      child = { pe, set: new FieldSet() };
      this.children.set(pe.key, child);
    }
    return child.set;
  }

  has(path: Path): boolean {
    if (path.length === 0) return false;
    if (path.length === 1) return this.members.has(path[0]!.key);
    return this.children.get(path[0]!.key)?.set.has(path.slice(1)) ?? false;
  }

  empty(): boolean {
    if (this.members.size > 0) return false;
    for (const c of this.children.values()) if (!c.set.empty()) return false;
    return true;
  }

  /** The set below one element (empty when there is none). */
  withPrefix(pe: PathElement): FieldSet {
    return this.children.get(pe.key)?.set ?? new FieldSet();
  }

  union(o: FieldSet): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) out.members.set(k, pe);
    for (const [k, pe] of o.members) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const other = o.children.get(k);
      out.children.set(k, { pe: c.pe, set: other ? c.set.union(other.set) : c.set });
    }
    for (const [k, c] of o.children) if (!this.children.has(k)) out.children.set(k, c);
    return out;
  }

  /** Members kept by `keepMember`; each child replaced by `childOf` (dropped when it gives nothing). */
  private combine(
    o: FieldSet,
    keepMember: (key: string) => boolean,
    childOf: (mine: FieldSet, theirs: FieldSet | undefined, key: string) => FieldSet | undefined,
  ): FieldSet {
    const out = new FieldSet();
    for (const [k, pe] of this.members) if (keepMember(k)) out.members.set(k, pe);
    for (const [k, c] of this.children) {
      const set = childOf(c.set, o.children.get(k)?.set, k);
      if (set && !set.empty()) out.children.set(k, { pe: c.pe, set });
    }
    return out;
  }

  intersection(o: FieldSet): FieldSet {
    return this.combine(
      o,
      (k) => o.members.has(k),
      (mine, theirs) => theirs && mine.intersection(theirs),
    );
  }

  /** Members of `o` are removed, and below each child what `o` has below it; not whole subtrees. */
  difference(o: FieldSet): FieldSet {
    return this.combine(
      o,
      (k) => !o.members.has(k),
      (mine, theirs) => (theirs ? mine.difference(theirs) : mine),
    );
  }

  /** Like difference, but a member of `o` also removes everything below it. */
  recursiveDifference(o: FieldSet): FieldSet {
    return this.combine(
      o,
      (k) => !o.members.has(k),
      (mine, theirs, k) => (o.members.has(k) ? undefined : theirs ? mine.recursiveDifference(theirs) : mine),
    );
  }

  /** Every member path: this node's members first, then each child's, in element order. */
  paths(prefix: Path = []): PathElement[][] {
    const out: PathElement[][] = [];
    for (const pe of [...this.members.values()].sort(compareElements)) out.push([...prefix, pe]);
    for (const c of [...this.children.values()].sort((a, b) => compareElements(a.pe, b.pe))) out.push(...c.set.paths([...prefix, c.pe]));
    return out;
  }

  equals(o: FieldSet): boolean {
    return canonicalJson(this.toFieldsV1()) === canonicalJson(o.toFieldsV1());
  }

  /** FieldsV1: each element a key, its children below it, "." when a node with children is a member too. */
  toFieldsV1(includeSelf = false): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const empty = this.members.size === 0 && this.children.size === 0;
    if (includeSelf && !empty) out['.'] = {};
    const elements = new Map<string, PathElement>(this.members);
    for (const [k, c] of this.children) if (!c.set.empty()) elements.set(k, c.pe);
    for (const pe of [...elements.values()].sort(compareElements)) {
      const child = this.children.get(pe.key);
      const childSet = child && !child.set.empty() ? child.set : undefined;
      out[pe.key] = childSet ? childSet.toFieldsV1(this.members.has(pe.key)) : {};
    }
    return out;
  }

  static fromFieldsV1(json: unknown): FieldSet {
    const set = new FieldSet();
    if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error('FieldsV1 must be an object');
    for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
      if (k === '.') continue;
      const pe = parseElement(k);
      const inner = (v ?? {}) as Record<string, unknown>;
      const keys = Object.keys(inner);
      const childKeys = keys.filter((x) => x !== '.');
      if (childKeys.length === 0 || keys.includes('.')) set.members.set(pe.key, pe);
      if (childKeys.length > 0) set.children.set(pe.key, { pe, set: FieldSet.fromFieldsV1(inner) });
    }
    return set;
  }
}
