import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.ts';
import { LeaderElector, type LeaseClient, type LeaseRecord, type StoredLease } from './leader-election.ts';
import { createLogger } from './logger.ts';

// The API server's part of a Lease: optimistic concurrency on resourceVersion.
class MemoryLeaseStore {
  lease: StoredLease | undefined;
  private rv = 0;
  clientFor(isUp: () => boolean, hangs: () => boolean = () => false): LeaseClient {
    const check = async (): Promise<void> => {
      if (hangs()) await new Promise(() => {});
      if (!isUp()) throw new Error('connection refused');
    };
    return {
      get: async () => {
        await check();
        return this.lease && structuredClone(this.lease);
      },
      create: async (record: LeaseRecord) => {
        await check();
        if (this.lease) throw new Error('409 AlreadyExists');
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
      },
      update: async (record: LeaseRecord, resourceVersion: string) => {
        await check();
        if (!this.lease || this.lease.resourceVersion !== resourceVersion) throw new Error('409 Conflict');
        this.lease = { record: { ...record }, resourceVersion: String(++this.rv) };
      },
    };
  }
}

const timings = { leaseDurationMs: 15_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000 };
const quiet = createLogger({ level: 'error', write: () => {} });

function candidate(store: MemoryLeaseStore, clock: FakeClock, identity: string) {
  const state = { up: true, hang: false, leading: false, started: 0, stopped: 0 };
  const elector = new LeaderElector({
    client: store.clientFor(
      () => state.up,
      () => state.hang,
    ),
    identity,
    ...timings,
    clock,
    log: quiet,
    onStartedLeading: () => {
      state.leading = true;
      state.started += 1;
    },
    onStoppedLeading: () => {
      state.leading = false;
      state.stopped += 1;
    },
  });
  return { elector, state };
}

void test('of two candidates exactly one leads', async () => {
  const clock = new FakeClock();
  const store = new MemoryLeaseStore();
  const a = candidate(store, clock, 'a');
  const b = candidate(store, clock, 'b');
  a.elector.start();
  b.elector.start();
  for (let i = 0; i < 30; i++) {
    await clock.advance(1000);
    assert.equal(Number(a.state.leading) + Number(b.state.leading), 1, `one leader at step ${i}`);
  }
  assert.equal(store.lease?.record.holderIdentity, a.state.leading ? 'a' : 'b');
  await a.elector.stop();
  await b.elector.stop();
});

void test('a leader cut off from the API steps down before the standby can take the lease', async () => {
  const clock = new FakeClock();
  const store = new MemoryLeaseStore();
  const a = candidate(store, clock, 'a');
  a.elector.start();
  await clock.advance(100);
  assert.equal(a.state.leading, true);
  const b = candidate(store, clock, 'b');
  b.elector.start();
  await clock.advance(5000);
  assert.equal(b.state.leading, false);

  a.state.up = false;
  const cutAt = clock.now();
  let aSteppedDownAt: number | undefined;
  let bLeadsAt: number | undefined;
  for (let t = 0; t < 40_000; t += 250) {
    await clock.advance(250);
    if (aSteppedDownAt === undefined && !a.state.leading) aSteppedDownAt = clock.now();
    if (bLeadsAt === undefined && b.state.leading) bLeadsAt = clock.now();
    assert.ok(!(a.state.leading && b.state.leading), 'never two leaders');
  }
  assert.ok(aSteppedDownAt !== undefined && bLeadsAt !== undefined);
  assert.ok(aSteppedDownAt - cutAt <= timings.renewDeadlineMs + 250, `a stepped down after ${aSteppedDownAt - cutAt} ms`);
  assert.ok(bLeadsAt > aSteppedDownAt, 'b took over only after a stepped down');
  assert.ok(bLeadsAt - cutAt <= timings.leaseDurationMs + 2 * timings.retryPeriodMs + 1000, `failover took ${bLeadsAt - cutAt} ms`);
  assert.equal(store.lease?.record.leaseTransitions, 1);
  await b.elector.stop();
  await a.elector.stop();
});

void test('a leader that stops releases the lease and the standby takes it at its next retry', async () => {
  const clock = new FakeClock();
  const store = new MemoryLeaseStore();
  const a = candidate(store, clock, 'a');
  a.elector.start();
  await clock.advance(100);
  const b = candidate(store, clock, 'b');
  b.elector.start();
  await clock.advance(3000);
  await a.elector.stop();
  assert.equal(a.state.stopped, 1);
  assert.equal(store.lease?.record.holderIdentity, '');
  await clock.advance(timings.retryPeriodMs * 1.3);
  assert.equal(b.state.leading, true, 'no need to wait out the lease duration');
  await b.elector.stop();
});

void test('a leader whose API calls hang still steps down at the renew deadline', async () => {
  const clock = new FakeClock();
  const store = new MemoryLeaseStore();
  const a = candidate(store, clock, 'a');
  a.elector.start();
  await clock.advance(100);
  assert.equal(a.state.leading, true);
  a.state.hang = true;
  const cutAt = clock.now();
  while (a.state.leading && clock.now() - cutAt < 30_000) await clock.advance(100);
  assert.equal(a.state.leading, false);
  assert.ok(clock.now() - cutAt <= timings.renewDeadlineMs + 100, `stepped down after ${clock.now() - cutAt} ms`);
});
