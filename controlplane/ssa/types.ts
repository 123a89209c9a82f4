// The field types server-side apply merges by, read from a structural schema as kube-openapi's
// schemaconv reads one (ToSchemaFromOpenAPI): an object with properties is a map of named fields
// (granular unless `x-kubernetes-map-type: atomic`), additionalProperties give its other keys a
// type, a list is atomic unless `x-kubernetes-list-type` says set or map (with its
// `x-kubernetes-list-map-keys`), and `x-kubernetes-preserve-unknown-fields` (inherited below)
// makes unknown fields "deduced": maps granular, lists atomic, as for objects with no schema.
import { OBJECT_META, OBJECT_META_NAME } from '../builtin-schemas.ts';
import type { JsonSchema } from '../types.ts';

export interface ListAtom {
  element: TypeRef;
  /** Associative: a set (no keys) or a map keyed by `keys`; otherwise atomic. */
  associative: boolean;
  keys: string[];
}

export interface MapAtom {
  fields: Map<string, TypeRef>;
  /** The type of keys that are not named fields; undefined: no other keys are declared. */
  element: TypeRef | undefined;
  atomic: boolean;
}

export interface Atom {
  scalar?: true;
  list?: ListAtom;
  map?: MapAtom;
}

/** A type, resolved on first use (schemas are recursive through named types). */
export interface TypeRef {
  atom(): Atom;
}

function lazy(make: () => Atom): TypeRef {
  let atom: Atom | undefined;
  return { atom: () => (atom ??= make()) };
}

/** Lists atomic, maps atomic: what is inside an atomic value. */
export const UNTYPED_ATOMIC: TypeRef = lazy(() => ({
  scalar: true,
  list: { element: UNTYPED_ATOMIC, associative: false, keys: [] },
  map: { fields: new Map(), element: UNTYPED_ATOMIC, atomic: true },
}));

/** Values with no schema: maps granular (each key its own field), lists atomic. */
export const DEDUCED: TypeRef = lazy(() => ({
  scalar: true,
  list: { element: UNTYPED_ATOMIC, associative: false, keys: [] },
  map: { fields: new Map(), element: DEDUCED, atomic: false },
}));

const NAMED: Record<string, JsonSchema> = { [OBJECT_META_NAME]: OBJECT_META };

function refName(s: JsonSchema): string | undefined {
  const allOf = s.allOf as JsonSchema[] | undefined;
  const ref = typeof s.$ref === 'string' ? s.$ref : allOf?.length === 1 && typeof allOf[0]!.$ref === 'string' ? allOf[0]!.$ref : undefined;
  return ref?.split('/').pop();
}

function listOf(s: JsonSchema, preserve: boolean): ListAtom {
  const listType = s['x-kubernetes-list-type'];
  const items = s.items as JsonSchema | undefined;
  const element = items ? typeOf(items, preserve) : UNTYPED_ATOMIC;
  if (listType === 'set') return { element, associative: true, keys: [] };
  if (listType === 'map') return { element, associative: true, keys: (s['x-kubernetes-list-map-keys'] as string[] | undefined) ?? [] };
  return { element, associative: false, keys: [] };
}

function mapOf(s: JsonSchema, preserve: boolean): MapAtom {
  const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
  const fields = new Map(Object.entries(properties).map(([name, p]) => [name, typeOf(p, preserve)]));
  const additional = s.additionalProperties;
  let element: TypeRef | undefined;
  if (additional === undefined) element = preserve || fields.size === 0 ? DEDUCED : undefined;
  else if (additional === true) element = DEDUCED;
  else if (additional && typeof additional === 'object') element = typeOf(additional as JsonSchema, preserve);
  return { fields, element, atomic: s['x-kubernetes-map-type'] === 'atomic' };
}

const cache = new WeakMap<JsonSchema, Map<boolean, TypeRef>>();

/** The type of values of schema `s`. */
export function typeOf(s: JsonSchema, inheritedPreserve = false): TypeRef {
  let byPreserve = cache.get(s);
  if (!byPreserve) cache.set(s, (byPreserve = new Map()));
  const hit = byPreserve.get(inheritedPreserve);
  if (hit) return hit;
  const t = lazy(() => {
    const named = refName(s);
    if (named) {
      const target = NAMED[named];
      if (!target) return DEDUCED.atom();
      const atom = typeOf(target, inheritedPreserve).atom();
      // `x-kubernetes-map-type` on the referring property overrides the named type's.
      const mapType = s['x-kubernetes-map-type'];
      if (atom.map && mapType !== undefined) return { ...atom, map: { ...atom.map, atomic: mapType === 'atomic' } };
      return atom;
    }
    const preserve = inheritedPreserve || s['x-kubernetes-preserve-unknown-fields'] === true;
    switch (s.type) {
      case 'object':
        return { map: mapOf(s, preserve) };
      case 'array':
        return { list: listOf(s, preserve) };
      case 'string':
      case 'integer':
      case 'number':
      case 'boolean':
        return { scalar: true };
      default:
        return { scalar: true, list: listOf(s, preserve), map: mapOf(s, preserve) };
    }
  });
  byPreserve.set(inheritedPreserve, t);
  return t;
}

/** Narrows an atom that allows several forms to the one `value` has (deduceAtom). */
export function deduce(atom: Atom, value: unknown): Atom {
  if (value === undefined || value === null) return atom;
  if (Array.isArray(value)) return atom.list ? { list: atom.list } : atom;
  if (typeof value === 'object') return atom.map ? { map: atom.map } : atom;
  return atom.scalar ? { scalar: true } : atom;
}

/** The form an atom takes (map before scalar before list, as handleAtom picks). */
export function formOf(atom: Atom): 'map' | 'scalar' | 'list' | undefined {
  return atom.map ? 'map' : atom.scalar ? 'scalar' : atom.list ? 'list' : undefined;
}
