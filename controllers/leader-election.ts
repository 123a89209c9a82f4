// Leader election over a coordination.k8s.io/v1 Lease, with client-go's rules. A candidate
// takes the lease only when its holder has not renewed it for a whole lease duration, measured
// on the candidate's own clock from when it last saw the record change (so clock skew between
// replicas does not matter). A leader that cannot renew within renewDeadline (< leaseDuration)
// stops leading first, so two leaders never overlap.
import type { JsonLogger } from './logger.ts';
import { realClock, sleep, type TimerClock } from './timer-clock.ts';

export interface LeaseRecord {
  holderIdentity: string;
  leaseDurationSeconds: number;
  /** Epoch milliseconds; the lease client converts to MicroTime. */
  acquireTime: number;
  renewTime: number;
  leaseTransitions: number;
}

export interface StoredLease {
  record: LeaseRecord;
  resourceVersion: string;
}

/** The API calls leader election needs; `update` must fail when resourceVersion is stale. */
export interface LeaseClient {
  get(): Promise<StoredLease | undefined>;
  create(record: LeaseRecord): Promise<void>;
  update(record: LeaseRecord, resourceVersion: string): Promise<void>;
}

export interface LeaderElectionOptions {
  client: LeaseClient;
  identity: string;
  leaseDurationMs: number;
  renewDeadlineMs: number;
  retryPeriodMs: number;
  clock?: TimerClock;
  log: JsonLogger;
  onStartedLeading(): void;
  onStoppedLeading(): void;
  onNewLeader?(identity: string): void;
}

export const defaultLeaderTimings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };

export class LeaderElector {
  private readonly clock: TimerClock;
  private readonly stopController = new AbortController();
  private observed: StoredLease | undefined;
  private observedAt = 0;
  private leading = false;
  private lastRenew = 0;
  private loop: Promise<void> | undefined;
  private reportedLeader: string | undefined;

  constructor(private readonly options: LeaderElectionOptions) {
    if (options.renewDeadlineMs >= options.leaseDurationMs) {
      throw new Error('renewDeadline must be shorter than leaseDuration');
    }
    this.clock = options.clock ?? realClock;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops campaigning; a leader releases the lease so a standby can take over at once. */
  async stop(): Promise<void> {
    this.stopController.abort();
    await this.loop;
    if (this.leading) {
      this.setLeading(false);
      await this.release();
    }
  }

  private async run(): Promise<void> {
    const stop = this.stopController.signal;
    while (!stop.aborted) {
      if (!this.leading) {
        if (await this.tryAcquireOrRenew()) {
          this.lastRenew = this.clock.now();
          this.setLeading(true);
        }
        await sleep(this.clock, this.jitter(), stop);
        continue;
      }
      const deadline = this.lastRenew + this.options.renewDeadlineMs;
      if (this.clock.now() < deadline) {
        // Renew, racing the deadline: a hung request must not keep a replica believing it
        // leads past renewDeadline.
        const renewed = this.tryAcquireOrRenew();
        let cancelDeadline = (): void => {};
        const lost = new Promise<false>((resolve) => {
          cancelDeadline = this.clock.setTimer(() => resolve(false), deadline - this.clock.now());
        });
        const ok = await Promise.race([renewed, lost]);
        cancelDeadline();
        if (stop.aborted) break;
        if (ok) this.lastRenew = this.clock.now();
      }
      if (this.clock.now() >= this.lastRenew + this.options.renewDeadlineMs) {
        this.options.log.warn('could not renew the lease in time, stepping down', { identity: this.options.identity });
        this.setLeading(false);
        // Like client-go, an elector that lost the lease is done; its process should restart.
        break;
      }
      // Wake no later than the deadline, so stepping down is never late.
      const untilDeadline = this.lastRenew + this.options.renewDeadlineMs - this.clock.now();
      await sleep(this.clock, Math.min(this.jitter(), untilDeadline), stop);
    }
  }

  private jitter(): number {
    // client-go waits retryPeriod·(1 + up to 1.2); less spread keeps failover tight here.
    return this.options.retryPeriodMs * (1 + Math.random() * 0.2);
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    if (leading) {
      this.options.log.info('became leader', { identity: this.options.identity });
      this.reportLeader(this.options.identity);
      this.options.onStartedLeading();
    } else {
      this.options.onStoppedLeading();
    }
  }

  private reportLeader(identity: string): void {
    if (identity === this.reportedLeader) return;
    this.reportedLeader = identity;
    this.options.onNewLeader?.(identity);
  }

  private async tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity } = this.options;
    const now = this.clock.now();
    const fresh: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      acquireTime: now,
      renewTime: now,
      leaseTransitions: 0,
    };
    try {
      const current = await client.get();
      if (!current) {
        await client.create(fresh);
        this.observe({ record: fresh, resourceVersion: '' }, this.clock.now());
        return true;
      }
      if (!this.observed || !sameRecord(this.observed.record, current.record)) this.observe(current, now);
      else this.observed = current;
      const holder = current.record.holderIdentity;
      if (holder) this.reportLeader(holder);
      const heldByOther = holder !== '' && holder !== identity;
      // The holder's own duration decides, as client-go reads it from the record.
      const durationMs = current.record.leaseDurationSeconds * 1000;
      if (heldByOther && this.observedAt + durationMs > now) return false;
      const next: LeaseRecord =
        holder === identity
          ? { ...current.record, leaseDurationSeconds: fresh.leaseDurationSeconds, renewTime: now }
          : { ...fresh, leaseTransitions: current.record.leaseTransitions + 1 };
      await client.update(next, current.resourceVersion);
      this.observe({ record: next, resourceVersion: '' }, this.clock.now());
      return true;
    } catch (err) {
      this.options.log.debug('lease acquire/renew failed', { identity, err });
      return false;
    }
  }

  private observe(lease: StoredLease, at: number): void {
    this.observed = lease;
    this.observedAt = at;
  }

  private async release(): Promise<void> {
    try {
      const current = await this.options.client.get();
      if (!current || current.record.holderIdentity !== this.options.identity) return;
      const now = this.clock.now();
      await this.options.client.update(
        { ...current.record, holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now },
        current.resourceVersion,
      );
      this.options.log.info('released the lease', { identity: this.options.identity });
    } catch (err) {
      this.options.log.warn('could not release the lease', { identity: this.options.identity, err });
    }
  }
}

function sameRecord(a: LeaseRecord, b: LeaseRecord): boolean {
  return (
    a.holderIdentity === b.holderIdentity &&
    a.renewTime === b.renewTime &&
    a.acquireTime === b.acquireTime &&
    a.leaseTransitions === b.leaseTransitions &&
    a.leaseDurationSeconds === b.leaseDurationSeconds
  );
}
