// Runs a task every `intervalMs` on a TimerClock, the next run timed from the end of the last
// one (a slow pass never overlaps the next), until stopped.
import type { TimerClock } from './timer-clock.ts';

export class RepeatingTimer {
  private cancel: (() => void) | undefined;
  private stopped = true;

  constructor(
    private readonly clock: TimerClock,
    private readonly intervalMs: number,
    private readonly task: () => void | Promise<void>,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.cancel = this.clock.setTimer(() => {
      void Promise.resolve()
        .then(this.task)
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, this.intervalMs);
  }
}
