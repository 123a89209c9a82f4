// Parsers against recorded observe output of a Raspberry Pi 3B+, 4 and 5, and against the real
// observe script run with `sh` on this machine (a plain Debian host, like the simulated Pis).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { observeScript } from './observe-script.ts';
import { parseObserved } from './observe.ts';
import { IncompleteObserveError } from '../shared/parse-sections.ts';

const scope = { users: ['pi', 'alice'], groups: ['gpio', 'docker'], packages: ['git', 'vim'] };

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}.observe.txt`, import.meta.url), 'utf8');
}

void test('Raspberry Pi 3B+ (Raspbian bookworm, armv7l, under-voltage)', () => {
  const { facts, state } = parseObserved(fixture('pi3bplus'), 'fixture', scope);
  assert.deepEqual(facts, {
    model: 'Raspberry Pi 3 Model B Plus Rev 1.3',
    serial: '00000000a3c2e1f0',
    arch: 'armv7l',
    os: 'Raspbian GNU/Linux 12 (bookworm)',
    kernel: '6.6.51+rpt-rpi-v7',
    cpus: 4,
    memoryBytes: 945364 * 1024,
    diskBytes: 30358348 * 1024,
    diskFreeBytes: 25365356 * 1024,
    temperatureCelsius: 47.236,
    throttled: '0x50005',
    throttledFlags: ['under-voltage-now', 'throttled-now', 'under-voltage-occurred', 'throttled-occurred'],
    // 86400.52 s of kernel uptime, PID 1 started 0.37 s in.
    uptimeSeconds: 86400,
    bootId: '6f1c2a5e-3b7d-4e21-9a0c-5d8e7f6a1b2c',
    load1: 0.31,
    health: {
      underVoltageMessages: 3,
      readOnlyRemountMessages: 0,
      readOnlyMounts: [],
      ext4Errors: 0,
      rootDisk: 'mmcblk0',
      bytesWrittenSinceBoot: 2406728 * 512,
    },
  });
  assert.equal(state.hostname, 'raspberrypi');
  assert.equal(state.etcHostname, 'raspberrypi');
  assert.deepEqual(state.loopbackNames, [['raspberrypi']]);
  assert.equal(state.etcTimezone, 'Europe/London');
  assert.equal(state.localtimeZone, 'Europe/London');
  assert.deepEqual([...state.installedPackages], ['git'], 'vim is only "rc" (config files left)');
  const pi = state.users.get('pi');
  assert.equal(pi?.exists, true);
  assert.equal(pi?.home, '/home/pi');
  assert.equal(pi?.shell, '/bin/bash');
  assert.ok(pi?.groups.includes('gpio'));
  assert.deepEqual(pi?.sshDir, { type: 'directory', mode: '700', owner: 'pi' });
  assert.deepEqual(pi?.keysFile, { type: 'regular file', mode: '600', owner: 'pi' });
  assert.equal(pi?.authorizedKeys.length, 2, 'the blank line between keys is not a key');
  assert.equal(state.users.get('alice')?.exists, false);
});

void test('Raspberry Pi 4 (64-bit bookworm, relative /etc/localtime link, not throttled)', () => {
  const { facts, state } = parseObserved(fixture('pi4'), 'fixture', scope);
  assert.equal(facts.model, 'Raspberry Pi 4 Model B Rev 1.4');
  assert.equal(facts.serial, '10000000b2d4f6a8');
  assert.equal(facts.arch, 'aarch64');
  assert.equal(facts.os, 'Debian GNU/Linux 12 (bookworm)');
  assert.equal(facts.memoryBytes, 3884056 * 1024);
  assert.equal(facts.temperatureCelsius, 52.582);
  assert.equal(facts.throttled, '0x0');
  assert.deepEqual(facts.throttledFlags, []);
  assert.equal(state.localtimeZone, 'Etc/UTC');
  assert.deepEqual([...state.installedPackages].sort(), ['git', 'vim']);
});

void test('Raspberry Pi 5 (NVMe root, soft temperature limit)', () => {
  const { facts, state } = parseObserved(fixture('pi5'), 'fixture', scope);
  assert.equal(facts.model, 'Raspberry Pi 5 Model B Rev 1.0');
  assert.equal(facts.kernel, '6.6.51+rpt-rpi-2712');
  assert.equal(facts.diskBytes, 490617784 * 1024);
  assert.equal(facts.temperatureCelsius, 61.35);
  assert.deepEqual(facts.throttledFlags, ['soft-temp-limit-now', 'soft-temp-limit-occurred']);
  assert.equal(facts.load1, 1.52);
  assert.deepEqual(state.loopbackNames, [['pi5-b', 'pi5-b.lan']]);
});

void test('a blob cut short is rejected, not read as "everything absent"', () => {
  const blob = fixture('pi4');
  const cut = blob.slice(0, blob.indexOf('@@bramble:fixture packages'));
  assert.throws(() => parseObserved(cut, 'fixture', scope), IncompleteObserveError);
});

void test('sections are only recognised with the nonce of this run', () => {
  const forged = fixture('pi4').replaceAll('@@bramble:fixture', '@@bramble:other1');
  assert.throws(() => parseObserved(forged, 'fixture', scope), IncompleteObserveError);
});

void test('the real observe script runs on this Debian host with Pi-only tools absent', () => {
  const users = ['root', 'bramble-no-such-user'];
  const script = observeScript(
    { users, groups: ['root', 'bramble-no-such-group'], packages: ['coreutils', 'bramble-no-such-package'] },
    'localrun',
  );
  const run = spawnSync('sh', ['-s'], { input: script, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  const { facts, state } = parseObserved(run.stdout, 'localrun', { users, groups: [], packages: [] });

  const uname = (flag: string) => spawnSync('uname', [flag], { encoding: 'utf8' }).stdout.trim();
  assert.equal(facts.arch, uname('-m'));
  assert.equal(facts.kernel, uname('-r'));
  assert.ok((facts.cpus ?? 0) >= 1);
  assert.ok((facts.memoryBytes ?? 0) > 64 * 1024 * 1024);
  assert.ok((facts.diskBytes ?? 0) > 0 && (facts.diskFreeBytes ?? -1) >= 0);
  assert.ok((facts.uptimeSeconds ?? -1) >= 0);
  assert.equal(facts.bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
  assert.equal(typeof facts.load1, 'number');
  assert.match(facts.os ?? '', /\S/);
  assert.equal(facts.throttled, undefined, 'no vcgencmd here');
  assert.equal(state.hostname, hostname());
  assert.ok(state.installedPackages.has('coreutils'));
  assert.ok(!state.installedPackages.has('bramble-no-such-package'));
  assert.equal(state.users.get('root')?.exists, true);
  assert.equal(state.users.get('root')?.home, '/root');
  assert.equal(state.users.get('bramble-no-such-user')?.exists, false);
  assert.deepEqual([...state.existingGroups], ['root']);
});
