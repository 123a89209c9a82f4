// The patch formats the API accepts. Pure functions: (current object, patch) → new object.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { ApiError, badRequest } from './errors.ts';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets an own property even for keys such as "__proto__", which JSON allows as field names. */
function setOwn(obj: Obj, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** RFC 7386 JSON merge patch: objects merge, null deletes, everything else replaces. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setOwn(out, k, mergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v));
  }
  return out;
}

/** RFC 6902 JSON patch; a failed `test` or a bad path is a 422/400 as in Kubernetes. */
export function jsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return fastJsonPatch.applyPatch(structuredClone(target), patch as Operation[], true, false).newDocument;
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    const message = err instanceof Error ? err.message.split('\n')[0] : String(err);
    if (name === 'TEST_OPERATION_FAILED') {
      throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value failed`);
    }
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);
  }
}

// Lists Kubernetes merges by a key in the built-in kinds bramble serves (the
// `patchMergeKey` tags of their Go types); other lists are replaced as in a merge patch.
const MERGE_KEYS: Record<string, string> = { ownerReferences: 'uid', conditions: 'type' };
// Lists of scalars with `patchStrategy:"merge"`: union, order kept.
const SET_LISTS = new Set(['finalizers']);

/**
 * Strategic merge patch for the built-in kinds: merge patch plus keyed list merging and the
 * `$patch: replace|delete` and `$deleteFromPrimitiveList/<field>` directives.
 */
export function strategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return structuredClone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return structuredClone(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const out: Obj = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$setElementOrder/') || k === '$retainKeys' || k === '$patch') continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const drop = new Set(Array.isArray(v) ? v : []);
      if (Array.isArray(out[field])) out[field] = (out[field] as unknown[]).filter((x) => !drop.has(x));
      continue;
    }
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v) && Array.isArray(out[k]) && MERGE_KEYS[k]) {
      out[k] = mergeKeyedList(out[k] as unknown[], v, MERGE_KEYS[k]);
    } else if (Array.isArray(v) && Array.isArray(out[k]) && SET_LISTS.has(k)) {
      const current = out[k] as unknown[];
      out[k] = [...current, ...v.filter((x) => !current.includes(x))];
    } else {
      const merged = strategicMergePatch(Object.hasOwn(out, k) ? out[k] : undefined, v);
      if (merged === undefined) delete out[k];
      else setOwn(out, k, merged);
    }
  }
  return out;
}

function mergeKeyedList(current: unknown[], patch: unknown[], key: string): unknown[] {
  const out = [...current];
  for (const item of patch) {
    if (!isObject(item)) continue;
    const i = out.findIndex((x) => isObject(x) && x[key] === item[key]);
    if (item.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMergePatch(out[i], item);
    else out.push(strategicMergePatch({}, item));
  }
  return out;
}
