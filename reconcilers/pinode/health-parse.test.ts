// The health parsers on the recordings of a Pi 3B+, 4 and 5 (fixtures/README.md says which parts
// are reconstructed), and on sections built here for the storage failures no recording has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseObserved } from './observe.ts';
import { spawnSync } from 'node:child_process';
import { diskOfPartition, parseHealthFacts, parseMeasureTemp } from './health-parse.ts';
import { kernelLogCounts } from './health-probes.ts';

const scope = { users: [], groups: [], packages: [] };

function facts(board: string) {
  return parseObserved(readFileSync(new URL(`./fixtures/${board}.observe.txt`, import.meta.url), 'utf8'), 'fixture', scope).facts;
}

void test('Pi 3B+ under-voltage: kernel messages counted, SD card writes since boot, no eMMC', () => {
  assert.deepEqual(facts('pi3bplus').health, {
    underVoltageMessages: 3,
    readOnlyRemountMessages: 0,
    readOnlyMounts: [],
    ext4Errors: 0,
    rootDisk: 'mmcblk0',
    bytesWrittenSinceBoot: 2406728 * 512,
  });
});

void test('Pi 4 healthy and Pi 5 on NVMe: the root disk is the one under /, not the first listed', () => {
  assert.equal(facts('pi4').health?.underVoltageMessages, 0);
  assert.equal(facts('pi4').health?.bytesWrittenSinceBoot, 337920 * 512);
  const pi5 = facts('pi5').health;
  assert.equal(pi5?.rootDisk, 'nvme0n1');
  assert.equal(pi5?.bytesWrittenSinceBoot, 15728640 * 512);
  assert.equal(pi5?.emmcLifeTimeLevel, undefined);
});

void test('the firmware temperature is used only where the thermal zone is not exposed', () => {
  assert.equal(parseMeasureTemp("temp=61.4'C"), 61.4);
  assert.equal(parseMeasureTemp('VCHI initialization failed'), undefined);
  assert.equal(facts('pi5').temperatureCelsius, 61.35, 'thermal_zone0 wins when present');
  const blob = readFileSync(new URL('./fixtures/pi5.observe.txt', import.meta.url), 'utf8').replace(
    /@@bramble:fixture thermal\n61350\n/,
    '@@bramble:fixture thermal\n\n',
  );
  assert.equal(parseObserved(blob, 'fixture', scope).facts.temperatureCelsius, 61.4);
});

void test('built, not recorded: a read-only root, ext4 errors and a worn eMMC', () => {
  const sections = new Map([
    [
      'health-mounts',
      '# /proc/mounts\n/dev/root / ext4 ro,noatime 0 0\n/dev/sda1 /mnt/my\\040data ext4 ro,relatime 0 0\n/dev/mmcblk0p1 /boot/firmware vfat rw 0 0',
    ],
    ['health-kernel-log', 'under-voltage 0\nread-only-remount 2'],
    ['health-ext4-errors', 'mmcblk0p2 4\nsda1 1'],
    ['health-block-stat', 'loop0 1 2 3 4 5 6 7 8 9 10 11\nmmcblk0 1 0 8 1 2 0 16 1 0 1 2\nsda 1 0 8 1 2 0 32 1 0 1 2'],
    ['health-emmc', 'mmcblk0 0x0a 0x03 0x02\nmmcblk0boot0 0x0a 0x03 0x02'],
  ]);
  assert.deepEqual(parseHealthFacts(sections), {
    underVoltageMessages: 0,
    readOnlyRemountMessages: 2,
    readOnlyMounts: ['/', '/mnt/my data'],
    ext4Errors: 5,
    // /dev/root names no disk: the first SD card or disk the kernel lists is taken.
    rootDisk: 'mmcblk0',
    bytesWrittenSinceBoot: 16 * 512,
    emmcLifeTimeLevel: 10,
    emmcPreEolLevel: 2,
  });
  assert.deepEqual(parseHealthFacts(new Map()), {}, 'nothing reported, nothing claimed');
  // A simulated Pi: overlay root, the host's os-release bound read-only under /run/host (not data), the host's virtio disk.
  assert.deepEqual(
    parseHealthFacts(
      new Map([
        ['health-mounts', '# /proc/mounts\n/dev/vda /run/host/os-release ext4 ro,nosuid 0 0'],
        ['health-block-stat', 'loop0 1 2 3 4 5 6 7\nvda 1 0 8 1 2 0 64 1'],
      ]),
    ),
    { readOnlyMounts: [], rootDisk: 'vda', bytesWrittenSinceBoot: 64 * 512 },
  );
});

void test('partitions map to their disk', () => {
  assert.deepEqual(['mmcblk0p2', 'nvme0n1p1', 'sda2', 'vdb1', 'sda'].map(diskOfPartition), ['mmcblk0', 'nvme0n1', 'sda', 'vdb', 'sda']);
});

void test("the kernel-log counter, run with sh on this host, counts both kernels' wordings", () => {
  const log = [
    '[    3.1] raspberrypi-hwmon raspberrypi-hwmon: Under-voltage detected! (0x00050005)',
    '[   33.0] hwmon hwmon1: Undervoltage detected!',
    '[   35.0] hwmon hwmon1: Voltage normalised',
    '[  101.7] EXT4-fs (mmcblk0p2): Remounting filesystem read-only',
  ].join('\n');
  const r = spawnSync('sh', ['-c', kernelLogCounts], { input: log, encoding: 'utf8' });
  assert.equal(r.stdout, 'under-voltage 2\nread-only-remount 1\n');
  const empty = spawnSync('sh', ['-c', kernelLogCounts], { input: '', encoding: 'utf8' });
  const counted = parseHealthFacts(new Map([['health-kernel-log', empty.stdout]]));
  assert.deepEqual(counted, { underVoltageMessages: 0, readOnlyRemountMessages: 0 });
});
