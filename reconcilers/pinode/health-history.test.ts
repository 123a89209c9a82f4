// The history that outlives a reboot: boots counted by boot id, a resync not counted again, and
// the writes-per-day estimate.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextHealth, problemsSeen } from './health-history.ts';
import type { PiNodeFacts } from './pinode-types.ts';

const bootA = '6f1c2a5e-3b7d-4e21-9a0c-5d8e7f6a1b2c';
const bootB = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 0, minutes));
const underVoltedSinceBoot = (bootId: string): PiNodeFacts => ({
  bootId,
  throttled: '0x50000',
  throttledFlags: ['under-voltage-occurred', 'throttled-occurred'],
});

void test('a resync counts no new boot; a reboot with the since-boot bit set again counts one; a healthy boot keeps the history', () => {
  const first = nextHealth(undefined, underVoltedSinceBoot(bootA), at(0));
  assert.deepEqual(
    first?.history?.find((e) => e.problem === 'UnderVoltage'),
    {
      problem: 'UnderVoltage',
      firstSeen: '2026-01-01T00:00:00Z',
      lastSeen: '2026-01-01T00:00:00Z',
      boots: 1,
      lastBoot: bootA,
    },
  );
  const resync = nextHealth(first, underVoltedSinceBoot(bootA), at(5));
  assert.equal(resync?.history?.find((e) => e.problem === 'UnderVoltage')?.boots, 1);
  assert.equal(resync?.history?.find((e) => e.problem === 'UnderVoltage')?.lastSeen, '2026-01-01T00:05:00Z');

  const rebooted = nextHealth(resync, underVoltedSinceBoot(bootB), at(10));
  const uv = rebooted?.history?.find((e) => e.problem === 'UnderVoltage');
  assert.deepEqual([uv?.boots, uv?.firstSeen, uv?.lastSeen, uv?.lastBoot], [2, '2026-01-01T00:00:00Z', '2026-01-01T00:10:00Z', bootB]);
  assert.deepEqual(
    rebooted?.history?.map((e) => e.problem),
    ['UnderVoltage', 'Throttled'],
  );

  const healthy = nextHealth(rebooted, { bootId: '11111111-2222-4333-8444-555555555555', throttled: '0x0', throttledFlags: [] }, at(20));
  assert.deepEqual(healthy?.history, rebooted?.history, 'the since-boot bits reset; the history does not');
});

void test('kernel messages alone, storage problems, and no boot identity (nothing recorded)', () => {
  assert.deepEqual([...problemsSeen({ health: { underVoltageMessages: 2 } })], ['UnderVoltage']);
  assert.deepEqual(
    [...problemsSeen({ health: { readOnlyMounts: ['/'], ext4Errors: 3, emmcLifeTimeLevel: 9 } })],
    ['ReadOnlyRemount', 'Ext4Errors', 'EmmcWearHigh'],
  );
  assert.deepEqual([...problemsSeen({ health: { readOnlyMounts: [], ext4Errors: 0, emmcLifeTimeLevel: 8, emmcPreEolLevel: 1 } })], []);
  assert.equal(nextHealth(undefined, { throttledFlags: ['under-voltage-now'] }, at(0)), undefined, 'a boot must be known to count it');
  const byBootTime = nextHealth(undefined, { bootTime: '2026-01-01T00:00:00Z', throttledFlags: ['under-voltage-now'] }, at(0));
  assert.equal(byBootTime?.history?.[0]?.lastBoot, '2026-01-01T00:00:00Z');
});

void test('writes per day: bytes since boot over the time since boot, once up an hour; kept across a fresh boot', () => {
  const day = nextHealth(undefined, { bootId: bootA, uptimeSeconds: 7200, health: { bytesWrittenSinceBoot: 1_000_000_000 } }, at(0));
  assert.equal(day?.writesPerDayBytes, 12_000_000_000);
  const justBooted = nextHealth(day, { bootId: bootB, uptimeSeconds: 60, health: { bytesWrittenSinceBoot: 500_000_000 } }, at(1));
  assert.equal(justBooted?.writesPerDayBytes, 12_000_000_000, 'a boot burst is not a day');
});
