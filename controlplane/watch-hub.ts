// Fans every committed change out to open watches and keeps the most recent changes so a
// watch can resume from a resourceVersion. A version older than what is kept gets 410 Gone,
// which is what makes informers relist instead of silently missing changes.
import type { KubeObject, WatchEventType } from './types.ts';

export interface ChangeEvent {
  type: WatchEventType;
  resourceVersion: number;
  storageKey: string;
  namespace: string;
  object: KubeObject;
  /** The object before this change (for selector transitions); absent on ADDED. */
  previous?: KubeObject;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class WatchHub {
  private readonly ring: (ChangeEvent | undefined)[];
  private start = 0;
  private size = 0;
  /** Changes at or below this version are no longer retained. */
  private forgottenUpTo: number;
  private readonly listeners = new Set<ChangeListener>();

  constructor(capacity: number, startingResourceVersion: number) {
    this.ring = new Array<ChangeEvent | undefined>(Math.max(1, capacity));
    this.forgottenUpTo = startingResourceVersion;
  }

  publish(event: ChangeEvent): void {
    const capacity = this.ring.length;
    if (this.size === capacity) {
      const dropped = this.ring[this.start];
      if (dropped) this.forgottenUpTo = dropped.resourceVersion;
      this.start = (this.start + 1) % capacity;
      this.size--;
    }
    this.ring[(this.start + this.size) % capacity] = event;
    this.size++;
    for (const listener of this.listeners) listener(event);
  }

  /**
   * Changes after `resourceVersion`, or undefined when some of them are no longer retained
   * (the caller answers 410 Gone).
   */
  since(resourceVersion: number): ChangeEvent[] | undefined {
    if (resourceVersion < this.forgottenUpTo) return undefined;
    const out: ChangeEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const e = this.ring[(this.start + i) % this.ring.length];
      if (e && e.resourceVersion > resourceVersion) out.push(e);
    }
    return out;
  }

  oldestResumableVersion(): number {
    return this.forgottenUpTo;
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watcherCount(): number {
    return this.listeners.size;
  }
}
