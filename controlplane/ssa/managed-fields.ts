// metadata.managedFields as kube-apiserver reads and writes it (apimachinery's
// managedfields/internal): one entry per manager, operation, API version (Update only) and
// subresource, each a FieldsV1 set and a time; entries sorted Apply before Update, then by
// time, manager, version and subresource; and the 409 a conflicting apply gets, naming the
// managers ("conflict with \"kubectl-client-side-apply\" using v1: .data.key").
import { ApiError } from '../errors.ts';
import { describePath, FieldSet } from './fieldpath.ts';
import type { Conflict, Managers } from './updater.ts';

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

export interface Managed {
  fields: Managers;
  /** When each manager last wrote (RFC 3339), by identifier. */
  times: Map<string, string | undefined>;
}

export const emptyManaged = (): Managed => ({ fields: new Map(), times: new Map() });

interface ManagerInfo {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
}

/** BuildManagerIdentifier: the entry without fields, type and time (and version, for appliers), as Go's JSON. */
export function managerIdentifier(info: ManagerInfo): string {
  const id: Record<string, string> = { manager: info.manager, operation: info.operation };
  if (info.operation === 'Update' && info.apiVersion) id.apiVersion = info.apiVersion;
  if (info.subresource) id.subresource = info.subresource;
  return JSON.stringify(id);
}

function parseIdentifier(id: string): ManagerInfo {
  return JSON.parse(id) as ManagerInfo;
}

/** DecodeManagedFields; throws on an entry kube-apiserver would not accept. */
export function decodeManagedFields(entries: unknown): Managed {
  const managed = emptyManaged();
  if (entries === undefined || entries === null) return managed;
  if (!Array.isArray(entries)) throw new Error('managedFields must be a list');
  entries.forEach((raw, i) => {
    const e = (raw ?? {}) as ManagedFieldsEntry;
    if (e.operation !== 'Apply' && e.operation !== 'Update') throw new Error('operation must be `Apply` or `Update`');
    if (!e.apiVersion) throw new Error('apiVersion must not be empty');
    if (e.fieldsType !== 'FieldsV1')
      throw new Error(
        e.fieldsType
          ? `invalid fieldsType ${JSON.stringify(e.fieldsType)} in managed fields entry ${i}`
          : `missing fieldsType in managed fields entry ${i}`,
      );
    const id = managerIdentifier({
      manager: e.manager ?? '',
      operation: e.operation,
      apiVersion: e.apiVersion,
      subresource: e.subresource,
    });
    managed.fields.set(id, { set: FieldSet.fromFieldsV1(e.fieldsV1 ?? {}), apiVersion: e.apiVersion, applied: e.operation === 'Apply' });
    managed.times.set(id, e.time);
  });
  return managed;
}

const seconds = (t: string | undefined) => (t ? Math.floor(Date.parse(t) / 1000) : 0);

/** encodeManagedFields, sorted as kube-apiserver sorts them; undefined when no manager is left. */
export function encodeManagedFields(managed: Managed): ManagedFieldsEntry[] | undefined {
  if (managed.fields.size === 0) return undefined;
  const entries: ManagedFieldsEntry[] = [];
  for (const [id, vs] of managed.fields) {
    const info = parseIdentifier(id);
    const e: ManagedFieldsEntry = { manager: info.manager, operation: vs.applied ? 'Apply' : 'Update', apiVersion: vs.apiVersion };
    const time = managed.times.get(id);
    if (time) e.time = time;
    e.fieldsType = 'FieldsV1';
    e.fieldsV1 = vs.set.toFieldsV1();
    if (info.subresource) e.subresource = info.subresource;
    entries.push(e);
  }
  const cmp = (a: string | undefined, b: string | undefined) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);
  return entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
}

/** `managedFields: []` or `[{}]` in a request clears them (isResetManagedFields). */
export function isResetManagedFields(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  if (entries.length === 0) return true;
  return entries.length === 1 && entries[0] !== null && typeof entries[0] === 'object' && Object.keys(entries[0] as object).length === 0;
}

/** printManager: `"name"`, with its subresource, and for updaters the version they used. */
export function describeManager(id: string): string {
  let info: ManagerInfo;
  try {
    info = parseIdentifier(id);
  } catch {
    return JSON.stringify(id);
  }
  let s = JSON.stringify(info.manager);
  if (info.subresource) s = `${s} with subresource ${JSON.stringify(info.subresource)}`;
  return info.operation === 'Update' ? `${s} using ${info.apiVersion ?? ''}` : s;
}

/** The 409 an apply that conflicts gets (NewConflictError): the message and one cause per field. */
export function conflictError(conflicts: Conflict[]): ApiError {
  const causes = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${describeManager(c.manager)}`,
    field: describePath(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${describeManager(conflicts[0]!.manager)}: ${describePath(conflicts[0]!.path)}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of conflicts) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), describePath(c.path)]);
    const lines: string[] = [];
    for (const manager of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${describeManager(manager)}:`);
      for (const p of byManager.get(manager)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}
