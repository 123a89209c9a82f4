// Durable object storage: SQLite as the record, an in-memory index to serve reads. Every
// write is one transaction that also advances the global resourceVersion counter, so a
// restart continues the sequence and a crash loses nothing that was acknowledged
// (WAL with synchronous=FULL: a commit has reached the disk before the response is sent).
import Database from 'better-sqlite3';
import { ensurePrivateFile, touchPrivateFile } from './private-files.ts';
import type { KubeObject } from './types.ts';

export interface StoredEntry {
  storageKey: string;
  namespace: string;
  name: string;
  object: KubeObject;
}

export class ObjectStore {
  private readonly db: Database.Database;
  private readonly byKind = new Map<string, Map<string, KubeObject>>();
  private rv: number;
  private readonly putStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly rvStmt: Database.Statement;

  /** `file` is a path, or undefined for a database that lives only in memory. */
  constructor(file: string | undefined) {
    // SQLite creates -wal and -shm with the database file's mode: all three start private.
    if (file) {
      touchPrivateFile(file);
      ensurePrivateFile(`${file}-wal`);
      ensurePrivateFile(`${file}-shm`);
    }
    this.db = new Database(file ?? ':memory:');
    if (file) {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
    }
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS objects (
        storage_key TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL,
        body TEXT NOT NULL, PRIMARY KEY (storage_key, namespace, name));
      CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO counters (name, value) VALUES ('resourceVersion', 1);
    `);
    this.putStmt = this.db.prepare('INSERT OR REPLACE INTO objects (storage_key, namespace, name, body) VALUES (?, ?, ?, ?)');
    this.deleteStmt = this.db.prepare('DELETE FROM objects WHERE storage_key = ? AND namespace = ? AND name = ?');
    this.rvStmt = this.db.prepare("UPDATE counters SET value = ? WHERE name = 'resourceVersion'");
    const row = this.db.prepare("SELECT value FROM counters WHERE name = 'resourceVersion'").get() as { value: number };
    this.rv = row.value;
    for (const r of this.db.prepare('SELECT storage_key, namespace, name, body FROM objects').iterate() as Iterable<{
      storage_key: string;
      namespace: string;
      name: string;
      body: string;
    }>) {
      this.kindMap(r.storage_key).set(key(r.namespace, r.name), JSON.parse(r.body) as KubeObject);
    }
  }

  currentResourceVersion(): number {
    return this.rv;
  }

  get(storageKey: string, namespace: string, name: string): KubeObject | undefined {
    return this.byKind.get(storageKey)?.get(key(namespace, name));
  }

  /** Objects of one storage key, optionally in one namespace, sorted by namespace then name. */
  list(storageKey: string, namespace?: string): KubeObject[] {
    const map = this.byKind.get(storageKey);
    if (!map) return [];
    const out: KubeObject[] = [];
    for (const obj of map.values()) {
      if (namespace === undefined || (obj.metadata.namespace ?? '') === namespace) out.push(obj);
    }
    return out.sort(compareObjects);
  }

  /** Storage keys that hold at least one object in this namespace. */
  countInNamespace(namespace: string): number {
    let n = 0;
    for (const map of this.byKind.values()) {
      for (const obj of map.values()) if (obj.metadata.namespace === namespace) n++;
    }
    return n;
  }

  /**
   * Writes (or, with `object` null, removes) one object under the next resourceVersion and
   * returns that version. `prepare` receives the version before the write so the stored
   * body carries it.
   */
  write(storageKey: string, namespace: string, name: string, object: ((rv: number) => KubeObject) | null): number {
    const next = this.rv + 1;
    const body = object ? object(next) : null;
    this.db.transaction(() => {
      if (body) this.putStmt.run(storageKey, namespace, name, JSON.stringify(body));
      else this.deleteStmt.run(storageKey, namespace, name);
      this.rvStmt.run(next);
    })();
    this.rv = next;
    if (body) this.kindMap(storageKey).set(key(namespace, name), body);
    else this.byKind.get(storageKey)?.delete(key(namespace, name));
    return next;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private kindMap(storageKey: string): Map<string, KubeObject> {
    let map = this.byKind.get(storageKey);
    if (!map) {
      map = new Map();
      this.byKind.set(storageKey, map);
    }
    return map;
  }
}

function key(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export function compareObjects(a: KubeObject, b: KubeObject): number {
  const an = a.metadata.namespace ?? '';
  const bn = b.metadata.namespace ?? '';
  if (an !== bn) return an < bn ? -1 : 1;
  const a1 = a.metadata.name ?? '';
  const b1 = b.metadata.name ?? '';
  return a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
}
