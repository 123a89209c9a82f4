// Field ownership over one write, ported from structured-merge-diff's merge.Updater: who owns
// which fields after an update (the writer takes what it changed, others lose it) or an apply
// (the applier owns exactly its configuration; a field another manager owns and the apply
// changes is a conflict unless forced; a field the applier stops applying is removed when no
// one else owns it). Managers are keyed by their identifier (see managed-fields.ts).
import { FieldSet, type Path } from './fieldpath.ts';
import { compare, ensureNamedFieldsAreMembers, merge, removeItems, toFieldSet, type Comparison } from './typed.ts';
import type { TypeRef } from './types.ts';

export interface VersionedSet {
  set: FieldSet;
  apiVersion: string;
  applied: boolean;
}

export type Managers = Map<string, VersionedSet>;

/** A value and the type it is read with (the type of one API version). */
export interface Typed {
  value: unknown;
  type: TypeRef;
}

/** Serves a value at another API version; undefined when that version is no longer served. */
export type Converter = (t: Typed, apiVersion: string) => Typed | undefined;

export interface Conflict {
  manager: string;
  path: Path;
}

export class Conflicts extends Error {
  constructor(readonly conflicts: Conflict[]) {
    super(`${conflicts.length} apply conflicts`);
  }
}

export class Updater {
  /** `ignore`: per API version, the fields the write resets (status on the main resource, …). */
  constructor(
    private readonly convert: Converter,
    private readonly ignore: Map<string, FieldSet> = new Map(),
  ) {}

  private filter(set: FieldSet, version: string): FieldSet {
    const ignored = this.ignore.get(version);
    return ignored ? set.recursiveDifference(ignored) : set;
  }

  private filterComparison(c: Comparison, version: string): Comparison {
    return { added: this.filter(c.added, version), modified: this.filter(c.modified, version), removed: this.filter(c.removed, version) };
  }

  private update(
    oldObject: Typed,
    newObject: Typed,
    version: string,
    managers: Managers,
    workflow: string,
    force: boolean,
  ): { managers: Managers; comparison: Comparison } {
    const comparison = compare(oldObject.value, newObject.value, oldObject.type);
    const versions = new Map<string, Comparison>([[version, this.filterComparison(comparison, version)]]);
    const conflicts = new Map<string, FieldSet>();
    const removed = new Map<string, FieldSet>();
    for (const [manager, vs] of managers) {
      if (manager === workflow) continue;
      let c = versions.get(vs.apiVersion);
      if (!c) {
        const o = this.convert(oldObject, vs.apiVersion);
        const n = this.convert(newObject, vs.apiVersion);
        if (!o || !n) {
          managers.delete(manager);
          continue;
        }
        c = this.filterComparison(compare(o.value, n.value, o.type), vs.apiVersion);
        versions.set(vs.apiVersion, c);
      }
      const conflict = vs.set.intersection(c.modified.union(c.added));
      if (!conflict.empty()) conflicts.set(manager, conflict);
      if (!c.removed.empty()) removed.set(manager, c.removed);
    }
    if (!force && conflicts.size > 0) {
      const list: Conflict[] = [];
      for (const manager of [...conflicts.keys()].sort()) for (const path of conflicts.get(manager)!.paths()) list.push({ manager, path });
      throw new Conflicts(list);
    }
    for (const [manager, set] of conflicts) {
      const vs = managers.get(manager)!;
      managers.set(manager, { ...vs, set: vs.set.difference(set) });
    }
    for (const [manager, set] of removed) {
      const vs = managers.get(manager);
      if (vs) managers.set(manager, { ...vs, set: vs.set.difference(set) });
    }
    for (const [manager, vs] of managers) if (vs.set.empty()) managers.delete(manager);
    return { managers, comparison };
  }

  /** An update (create, PUT, non-apply patch) by `manager`: it takes every field it changed. */
  Update(live: Typed, next: Typed, version: string, managers: Managers, manager: string): Managers {
    const { comparison } = this.update(live, next, version, managers, manager, true);
    const previous = managers.get(manager)?.set;
    let set = previous ? previous.difference(comparison.removed) : new FieldSet();
    set = this.filter(set.union(comparison.modified).union(comparison.added), version);
    if (set.empty()) managers.delete(manager);
    else managers.set(manager, { set, apiVersion: version, applied: false });
    return managers;
  }

  /**
   * An apply of `config` by `manager`: returns the new object (undefined when it equals the
   * live one) and the managers; throws Conflicts unless `force`.
   */
  Apply(
    live: Typed,
    config: Typed,
    version: string,
    managers: Managers,
    manager: string,
    force: boolean,
  ): { object: unknown; managers: Managers } {
    let merged = merge(live.value, config.value, live.type);
    const lastSet = managers.get(manager);
    const set = this.filter(toFieldSet(config.value, config.type), version);
    managers.set(manager, { set, apiVersion: version, applied: true });
    merged = this.prune({ value: merged, type: live.type }, managers, manager, lastSet);
    this.update(live, { value: merged, type: live.type }, version, managers, manager, force);
    return { object: merged, managers };
  }

  /** Removes what the applier stopped applying and nobody else owns (prune, addBackOwnedItems, addBackDanglingItems). */
  private prune(merged: Typed, managers: Managers, applier: string, lastSet: VersionedSet | undefined): unknown {
    if (!lastSet || lastSet.set.empty()) return merged.value;
    const converted = this.convert(merged, lastSet.apiVersion);
    if (!converted) return merged.value;
    const t = converted.type;
    let pruned = removeItems(converted.value, ensureNamedFieldsAreMembers(lastSet.set, t), t);
    // Add back whatever some manager (the applier's new configuration included) owns.
    const byVersion = new Map<string, FieldSet>();
    for (const vs of managers.values()) byVersion.set(vs.apiVersion, (byVersion.get(vs.apiVersion) ?? new FieldSet()).union(vs.set));
    for (const [version, owned] of byVersion) {
      const m = this.convert(converted, version);
      const p = this.convert({ value: pruned, type: t }, version);
      if (!m || !p) continue;
      const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(m.value, m.type), m.type);
      const prunedSet = ensureNamedFieldsAreMembers(toFieldSet(p.value, p.type), m.type);
      const keep = prunedSet.union(ensureNamedFieldsAreMembers(owned, m.type));
      pruned =
        this.convert({ value: removeItems(m.value, mergedSet.difference(keep), m.type), type: m.type }, lastSet.apiVersion)?.value ??
        pruned;
    }
    // Remove only what the applier's last configuration had (the rest was never its to remove).
    const prunedSet = ensureNamedFieldsAreMembers(toFieldSet(pruned, t), t);
    const mergedSet = ensureNamedFieldsAreMembers(toFieldSet(converted.value, t), t);
    const last = ensureNamedFieldsAreMembers(lastSet.set, t);
    const result = removeItems(converted.value, mergedSet.difference(prunedSet).intersection(last), t);
    const back = this.convert({ value: result, type: t }, managers.get(applier)!.apiVersion);
    return back ? back.value : result;
  }
}
