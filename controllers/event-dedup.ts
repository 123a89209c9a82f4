// Decides, per Event, whether to create a new Event object or bump the `series` of the one
// already sent, so a reconcile that fails in a loop produces one Event with a count instead of a
// flood (the events.k8s.io/v1 series semantics).

export interface DedupDecision {
  action: 'create' | 'update' | 'skip';
  /** Occurrences so far within the window (1 for a new Event). */
  count: number;
  /** Name of the existing Event to update (for `update`). */
  name?: string;
}

interface Entry {
  name: string | undefined;
  count: number;
  firstSeen: number;
  lastSeen: number;
  lastWritten: number;
}

export interface EventDedupOptions {
  /** A repeat later than this after the previous one starts a new Event. */
  windowMs: number;
  /** Repeats closer together than this are counted but not written (rate limit on updates). */
  updateIntervalMs: number;
  maxEntries?: number;
}

export class EventDeduper {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly options: EventDedupOptions) {}

  static key(uid: string, type: string, reason: string, note: string): string {
    return JSON.stringify([uid, type, reason, note]);
  }

  observe(key: string, now: number): DedupDecision {
    const entry = this.entries.get(key);
    if (!entry || now - entry.lastSeen > this.options.windowMs) {
      this.entries.delete(key);
      this.entries.set(key, { name: undefined, count: 1, firstSeen: now, lastSeen: now, lastWritten: now });
      this.evict();
      return { action: 'create', count: 1 };
    }
    entry.count += 1;
    entry.lastSeen = now;
    if (entry.name === undefined || now - entry.lastWritten < this.options.updateIntervalMs) {
      return { action: 'skip', count: entry.count };
    }
    entry.lastWritten = now;
    return { action: 'update', count: entry.count, name: entry.name };
  }

  /** Records the server-assigned name of a created Event. */
  created(key: string, name: string): void {
    const entry = this.entries.get(key);
    if (entry) entry.name = name;
  }

  /** Forgets a key (its Event could not be written, or was deleted). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  private evict(): void {
    const max = this.options.maxEntries ?? 4096;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }
}
