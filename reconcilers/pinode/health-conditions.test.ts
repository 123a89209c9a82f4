// PowerHealthy and StorageHealthy on the recordings and on built storage failures, their history
// note, the Warning only on a new reason, and Ready untouched by them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseObserved } from './observe.ts';
import { healthConditions, healthEvents } from './health-conditions.ts';
import { observedStatus } from './status.ts';
import type { PiNodeFacts, PiNodeStatus } from './pinode-types.ts';

const scope = { users: [], groups: [], packages: [] };
const facts = (board: string) =>
  parseObserved(readFileSync(new URL(`./fixtures/${board}.observe.txt`, import.meta.url), 'utf8'), 'fixture', scope).facts;
const reasons = (f: PiNodeFacts) =>
  Object.entries(healthConditions(f, undefined)).map(([type, [status, reason]]) => `${type}=${status}/${reason}`);

void test('the three recorded boards', () => {
  assert.deepEqual(reasons(facts('pi3bplus')), ['PowerHealthy=False/UnderVoltage', 'StorageHealthy=True/StorageOK']);
  assert.deepEqual(reasons(facts('pi4')), ['PowerHealthy=True/PowerOK', 'StorageHealthy=True/StorageOK']);
  assert.deepEqual(reasons(facts('pi5')), ['PowerHealthy=False/SoftTempLimit', 'StorageHealthy=True/StorageOK']);
});

void test('since boot, kernel log only, nothing reported, and the storage failures (built, not recorded)', () => {
  assert.deepEqual(
    reasons({ throttled: '0x50000', throttledFlags: ['under-voltage-occurred', 'throttled-occurred'] })[0],
    'PowerHealthy=False/UnderVoltageSinceBoot',
  );
  assert.deepEqual(
    reasons({ throttled: '0x20000', throttledFlags: ['frequency-capped-occurred'] })[0],
    'PowerHealthy=False/ThrottledSinceBoot',
  );
  assert.deepEqual(reasons({ throttled: '0x4', throttledFlags: ['throttled-now'] })[0], 'PowerHealthy=False/Throttled');
  assert.deepEqual(reasons({ health: { underVoltageMessages: 1 } })[0], 'PowerHealthy=False/UnderVoltageSinceBoot');
  assert.deepEqual(reasons({ health: { underVoltageMessages: 0 } }), [
    'PowerHealthy=True/NoUnderVoltageLogged',
    'StorageHealthy=True/StorageOK',
  ]);
  assert.deepEqual(reasons({}), ['PowerHealthy=Unknown/NotReported', 'StorageHealthy=Unknown/NotReported']);
  assert.equal(reasons({ health: { readOnlyMounts: ['/'] } })[1], 'StorageHealthy=False/ReadOnlyRemount');
  assert.equal(reasons({ health: { readOnlyMounts: [], readOnlyRemountMessages: 1 } })[1], 'StorageHealthy=False/ReadOnlyRemount');
  assert.equal(reasons({ health: { ext4Errors: 2 } })[1], 'StorageHealthy=False/Ext4Errors');
  assert.equal(reasons({ health: { emmcPreEolLevel: 2 } })[1], 'StorageHealthy=False/EmmcWearHigh');
});

const bootA = '6f1c2a5e-3b7d-4e21-9a0c-5d8e7f6a1b2c';
const bootB = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ctx = (previous: PiNodeStatus | undefined, minutes: number) => ({
  previous,
  now: new Date(Date.UTC(2026, 0, 1, 0, minutes)),
  generation: 1,
});
const outcome = (f: PiNodeFacts) => ({ facts: f, hostKey: 'ssh-ed25519 AAAA', pending: [], paused: false, applied: [] });
const condition = (s: PiNodeStatus, type: string) => s.conditions?.find((c) => c.type === type);

void test('through the status: Ready stays True, the history survives a healthy reboot and is named in the message, one Warning per new reason', () => {
  const sick = observedStatus(
    ctx(undefined, 0),
    outcome({ bootId: bootA, throttled: '0x50000', throttledFlags: ['under-voltage-occurred'] }),
  );
  assert.deepEqual(
    [condition(sick, 'Ready')?.status, condition(sick, 'PowerHealthy')?.status, condition(sick, 'PowerHealthy')?.reason],
    ['True', 'False', 'UnderVoltageSinceBoot'],
  );
  assert.deepEqual(
    healthEvents(undefined, sick).map((e) => e.reason),
    ['UnderVoltageSinceBoot'],
  );
  const resync = observedStatus(ctx(sick, 5), outcome({ bootId: bootA, throttled: '0x50000', throttledFlags: ['under-voltage-occurred'] }));
  assert.deepEqual(healthEvents(sick, resync), [], 'the same reason is not announced again');

  const healthy = observedStatus(ctx(resync, 10), outcome({ bootId: bootB, throttled: '0x0', throttledFlags: [] }));
  assert.equal(condition(healthy, 'PowerHealthy')?.status, 'True');
  assert.match(
    condition(healthy, 'PowerHealthy')?.message ?? '',
    /history: under-voltage on 1 boot, first 2026-01-01T00:00:00Z, last 2026-01-01T00:05:00Z/,
  );
  assert.equal(healthy.health?.history?.[0]?.boots, 1);
});
