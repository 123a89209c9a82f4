// A counting semaphore: at most `limit` holders at once, waiters served in arrival order.
// Bounds the channels on one SSH connection below the server's MaxSessions.

export class Semaphore {
  private held = 0;
  private peak = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('semaphore limit must be a positive integer');
  }

  /** Resolves with a release function once a slot is free. */
  async acquire(): Promise<() => void> {
    if (this.held < this.limit) {
      this.take();
    } else {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release();
    };
  }

  /** Slots in use now. */
  get inUse(): number {
    return this.held;
  }

  /** The most slots ever held at once. */
  get highWater(): number {
    return this.peak;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  private take(): void {
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
  }

  private release(): void {
    const next = this.waiters.shift();
    if (next) {
      // The slot passes straight to the next waiter: `held` stays the same.
      next();
    } else {
      this.held--;
    }
  }
}
