// Typed walks over plain JSON values, ported from structured-merge-diff's typed package: the
// field set a value sets (ToFieldSet), merging an applied configuration into a live object
// (Merge, the applied side winning), what changed between two values (Compare: added,
// modified, removed), removing items (RemoveItems) and checking a configuration against its
// type. `undefined` is an absent value, `null` an explicit null, as nil and null are in Go.
import { FieldSet, fieldElement, keyElement, valueElement, describePath, type Path, type PathElement } from './fieldpath.ts';
import { deduce, formOf, type Atom, type ListAtom, type MapAtom, type TypeRef } from './types.ts';

type Obj = Record<string, unknown>;

const isMap = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function setOwn(o: Obj, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** The path element of one item of an associative list, or why it has none. */
export function itemElement(list: ListAtom, item: unknown): PathElement | string {
  if (list.keys.length > 0) {
    if (item === null) return 'associative list with keys may not have a null element';
    if (!isMap(item)) return 'associative list with keys may not have non-map elements';
    const fields: [string, unknown][] = [];
    for (const k of list.keys) {
      if (!Object.hasOwn(item, k))
        return `associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`;
      fields.push([k, item[k]]);
    }
    return keyElement(fields);
  }
  if (isMap(item)) return "associative list without keys has an element that's a map type";
  if (Array.isArray(item)) return 'not supported: associative list with lists as elements';
  if (item === null) return "associative list without keys has an element that's an explicit null";
  return valueElement(item);
}

function fieldType(map: MapAtom, key: string): TypeRef | undefined {
  return map.fields.get(key) ?? map.element;
}

/** ToFieldSet: the leaves, list items and undeclared map keys a value sets. */
export function toFieldSet(value: unknown, type: TypeRef): FieldSet {
  const set = new FieldSet();
  const walk = (v: unknown, t: TypeRef | undefined, path: PathElement[]): void => {
    const atom = deduce(t?.atom() ?? {}, v);
    const form = formOf(atom);
    if (form === 'map') {
      if (atom.map!.atomic) return void set.insert(path);
      if (!isMap(v)) return;
      for (const [k, child] of Object.entries(v)) {
        const p = [...path, fieldElement(k)];
        walk(child, fieldType(atom.map!, k), p);
        if (child === null || (isMap(child) && Object.keys(child).length === 0) || !atom.map!.fields.has(k)) set.insert(p);
      }
    } else if (form === 'list') {
      if (!atom.list!.associative) return void set.insert(path);
      if (!Array.isArray(v)) return;
      const seen = new Set<string>();
      const duplicates = new Set<string>();
      for (const item of v) {
        const pe = itemElement(atom.list!, item);
        if (typeof pe === 'string') continue;
        if (seen.has(pe.key)) {
          if (!duplicates.has(pe.key)) set.insert([...path, pe]);
          duplicates.add(pe.key);
        } else seen.add(pe.key);
      }
      for (const item of v) {
        const pe = itemElement(atom.list!, item);
        if (typeof pe === 'string' || duplicates.has(pe.key)) continue;
        const p = [...path, pe];
        walk(item, atom.list!.element, p);
        set.insert(p);
      }
    } else set.insert(path);
  };
  walk(value, type, []);
  return set;
}

/** Merge: `rhs` (the applied configuration) over `lhs` (the live object), field by field. */
export function merge(lhs: unknown, rhs: unknown, type: TypeRef | undefined): unknown {
  const base = type?.atom() ?? {};
  const atom = deduce(base, rhs === undefined ? lhs : rhs);
  const leaf = () => (rhs !== undefined ? rhs : lhs);
  const form = formOf(atom);
  if (form === 'map') {
    const l = isMap(lhs) ? lhs : undefined;
    const r = isMap(rhs) ? rhs : undefined;
    const bothEmpty = (!l || Object.keys(l).length === 0) && (!r || Object.keys(r).length === 0);
    if (atom.map!.atomic || bothEmpty) return leaf();
    const out: Obj = {};
    const keys = [...Object.keys(l ?? {}), ...Object.keys(r ?? {}).filter((k) => !l || !Object.hasOwn(l, k))];
    for (const k of keys) {
      const m = merge(l && Object.hasOwn(l, k) ? l[k] : undefined, r && Object.hasOwn(r, k) ? r[k] : undefined, fieldType(atom.map!, k));
      if (m !== undefined) setOwn(out, k, m);
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (form === 'list') {
    const l = Array.isArray(lhs) ? lhs : undefined;
    const r = Array.isArray(rhs) ? rhs : undefined;
    if (!atom.list!.associative || ((!l || l.length === 0) && (!r || r.length === 0))) return leaf();
    return mergeList(atom.list!, l ?? [], r ?? []);
  }
  return leaf();
}

/** visitListItems: items matched by their key; shared items keep the applied order. */
function mergeList(list: ListAtom, lhs: unknown[], rhs: unknown[]): unknown[] | undefined {
  const index = (items: unknown[], allowDuplicates: boolean) => {
    const pes: PathElement[] = [];
    const observed = new Map<string, unknown>();
    for (const item of items) {
      const pe = itemElement(list, item);
      if (typeof pe === 'string') throw new TypeError(pe);
      if (observed.has(pe.key)) {
        if (!allowDuplicates) throw new TypeError(`duplicate entries for key ${describePath([pe])}`);
        observed.set(pe.key, null);
      } else observed.set(pe.key, item);
      pes.push(pe);
    }
    return { pes, observed };
  };
  const R = index(rhs, false);
  const L = index(lhs, true);
  const sharedOrder = R.pes.filter((pe) => L.observed.has(pe.key));
  let nextShared = sharedOrder.shift();
  const mergedRHS = new Set<string>();
  const out: unknown[] = [];
  const push = (l: unknown, r: unknown) => {
    const m = merge(l, r, list.element);
    if (m !== undefined) out.push(m);
  };
  let lI = 0;
  let rI = 0;
  while (lI < L.pes.length || rI < R.pes.length) {
    if (lI < L.pes.length && rI < R.pes.length) {
      const pe = L.pes[lI]!;
      if (pe.key === R.pes[rI]!.key) {
        mergedRHS.add(pe.key);
        push(L.observed.get(pe.key), R.observed.get(pe.key));
        lI++;
        rI++;
        nextShared = sharedOrder.shift();
        continue;
      }
      if (R.observed.has(pe.key) && nextShared !== undefined && nextShared.key !== pe.key) {
        lI++;
        continue;
      }
    }
    if (lI < L.pes.length) {
      const pe = L.pes[lI]!;
      if (!R.observed.has(pe.key)) {
        push(lhs[lI], undefined);
        lI++;
        continue;
      } else if (mergedRHS.has(pe.key)) lI++;
    }
    if (rI < R.pes.length) {
      const pe = R.pes[rI]!;
      mergedRHS.add(pe.key);
      push(L.observed.get(pe.key), R.observed.get(pe.key));
      rI++;
      if (nextShared !== undefined && nextShared.key === pe.key) nextShared = sharedOrder.shift();
    }
  }
  return out.length > 0 ? out : undefined;
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/** Compare: the fields `rhs` adds to, changes in, or removes from `lhs`. */
export function compare(lhs: unknown, rhs: unknown, type: TypeRef): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const walk = (l: unknown, r: unknown, t: TypeRef | undefined, path: PathElement[]): void => {
    const base: Atom = t?.atom() ?? {};
    const atom = deduce(base, r === undefined ? l : r);
    let inLeaf = false;
    const leaf = () => {
      inLeaf = true;
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
      else if (!deepEqual(l, r)) c.modified.insert(path);
    };
    const form = formOf(atom);
    if (form === 'map') {
      const lm = isMap(l) ? l : undefined;
      const rm = isMap(r) ? r : undefined;
      const bothEmpty = (!lm || Object.keys(lm).length === 0) && (!rm || Object.keys(rm).length === 0);
      if (atom.map!.atomic || bothEmpty) leaf();
      else {
        const keys = [...Object.keys(lm ?? {}), ...Object.keys(rm ?? {}).filter((k) => !lm || !Object.hasOwn(lm, k))];
        for (const k of keys) {
          walk(lm && Object.hasOwn(lm, k) ? lm[k] : undefined, rm && Object.hasOwn(rm, k) ? rm[k] : undefined, fieldType(atom.map!, k), [
            ...path,
            fieldElement(k),
          ]);
        }
      }
    } else if (form === 'list') {
      const ll = Array.isArray(l) ? l : undefined;
      const rl = Array.isArray(r) ? r : undefined;
      if (!atom.list!.associative || ((!ll || ll.length === 0) && (!rl || rl.length === 0))) leaf();
      else compareList(atom.list!, ll ?? [], rl ?? [], path, walk, c);
    } else leaf();
    if (!inLeaf) {
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
    }
  };
  walk(lhs, rhs, type, []);
  return c;
}

type Walk = (l: unknown, r: unknown, t: TypeRef | undefined, path: PathElement[]) => void;

function compareList(list: ListAtom, lhs: unknown[], rhs: unknown[], path: PathElement[], walk: Walk, c: Comparison): void {
  const all: PathElement[] = [];
  const group = (items: unknown[], into: Map<string, unknown[]>, other?: Map<string, unknown[]>) => {
    for (const item of items) {
      const pe = itemElement(list, item);
      if (typeof pe === 'string') continue;
      const existing = into.get(pe.key);
      if (existing) existing.push(item);
      else {
        into.set(pe.key, [item]);
        if (!other || !other.has(pe.key)) all.push(pe);
      }
    }
  };
  const lValues = new Map<string, unknown[]>();
  const rValues = new Map<string, unknown[]>();
  group(lhs, lValues);
  group(rhs, rValues, lValues);
  for (const pe of all) {
    const ll = lValues.get(pe.key) ?? [];
    const rl = rValues.get(pe.key) ?? [];
    const p = [...path, pe];
    if (ll.length <= 1 && rl.length <= 1) walk(ll[0], rl[0], list.element, p);
    else if (ll.length >= 2 && rl.length >= 2) {
      if (!deepEqual(ll, rl)) c.modified.insert(p);
    } else if (ll.length >= 2) {
      if (rl.length > 0) walk(undefined, rl[0], list.element, p);
      c.removed.insert(p);
    } else {
      if (ll.length > 0) walk(ll[0], undefined, list.element, p);
      c.added.insert(p);
    }
  }
}

/** RemoveItems: the value without the list items and map keys in `set` (an emptied map or list is null, as in Go). */
export function removeItems(value: unknown, set: FieldSet, type: TypeRef | undefined): unknown {
  const atom = deduce(type?.atom() ?? {}, value);
  const form = formOf(atom);
  if (form === 'map') {
    if (!isMap(value) || Object.keys(value).length === 0 || atom.map!.atomic) return null;
    const out: Obj = {};
    for (const [k, v] of Object.entries(value)) {
      const pe = fieldElement(k);
      if (set.has([pe])) continue;
      const below = set.withPrefix(pe);
      setOwn(out, k, below.empty() ? v : removeItems(v, below, fieldType(atom.map!, k)));
    }
    return Object.keys(out).length > 0 ? out : null;
  }
  if (form === 'list') {
    if (!Array.isArray(value) || value.length === 0 || !atom.list!.associative) return null;
    const out: unknown[] = [];
    for (const item of value) {
      const pe = itemElement(atom.list!, item);
      if (typeof pe === 'string') {
        out.push(item);
        continue;
      }
      if (set.has([pe])) continue;
      const below = set.withPrefix(pe);
      out.push(below.empty() ? item : removeItems(item, below, atom.list!.element));
    }
    return out.length > 0 ? out : null;
  }
  return value;
}

/** EnsureNamedFieldsAreMembers: a struct field with children in `set` becomes a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeRef | undefined): FieldSet {
  const out = new FieldSet();
  for (const [k, pe] of set.members) out.members.set(k, pe);
  const atom = type?.atom() ?? {};
  for (const [k, c] of set.children) {
    let t: TypeRef | undefined;
    if (c.pe.kind === 'f' && atom.map) {
      t = fieldType(atom.map, c.pe.name);
      if (atom.map.fields.has(c.pe.name)) out.members.set(k, c.pe);
    } else if (c.pe.kind === 'k' && atom.list) t = atom.list.element;
    out.children.set(k, { pe: c.pe, set: ensureNamedFieldsAreMembers(c.set, t) });
  }
  return out;
}

/** Why an applied configuration does not fit its type, one line per problem (ObjectToTyped). */
export function typeProblems(value: unknown, type: TypeRef): string[] {
  const problems: string[] = [];
  const walk = (v: unknown, t: TypeRef | undefined, path: Path): void => {
    const where = path.length > 0 ? `${describePath(path)}: ` : '';
    if (!t) return void problems.push(`${where}field not declared in schema`);
    const atom = t.atom();
    if (v === null) return;
    if (Array.isArray(v)) {
      if (!atom.list) return void problems.push(`${where}expected ${expected(atom)}, got list`);
      if (!atom.list.associative) return;
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const pe = itemElement(atom.list!, item);
        if (typeof pe === 'string') return void problems.push(`${where}element ${i}: ${pe}`);
        if (seen.has(pe.key)) return void problems.push(`${where}duplicate entries for key ${describePath([pe])}`);
        seen.add(pe.key);
        walk(item, atom.list!.element, [...path, pe]);
      });
    } else if (isMap(v)) {
      if (!atom.map) return void problems.push(`${where}expected ${expected(atom)}, got map`);
      if (atom.map.atomic) return;
      for (const [k, child] of Object.entries(v)) walk(child, fieldType(atom.map, k), [...path, fieldElement(k)]);
    } else if (!atom.scalar)
      problems.push(
        `${where}expected ${expected(atom)}, got ${typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'boolean' : 'number'}`,
      );
  };
  walk(value, type, []);
  return problems;
}

function expected(atom: Atom): string {
  return atom.map ? 'map' : atom.list ? 'list' : 'scalar';
}
