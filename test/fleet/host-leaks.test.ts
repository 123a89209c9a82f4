// The leak check sees what a fleet left on the host by looking at the host, not at a state file:
// here a network namespace, a veth and a bridge made by hand under a fleet's names, and a mount
// and directory in its place, none of them recorded anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostLeaks } from './host-leaks.ts';
import { fleetLayout } from './layout.ts';
import { mustRun, runCommand } from './run-command.ts';

const name = 'leakcheck';
const { tag, bridge } = fleetLayout(name, 1);
let base: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'bramble-leaks-'));
  process.env.BRAMBLE_FLEET_DIR = base;
});

after(async () => {
  await runCommand('ip', ['netns', 'delete', `bramble-${name}-pi0`]);
  await runCommand('ip', ['link', 'delete', `bv${tag}-0`]);
  await runCommand('ip', ['link', 'delete', bridge]);
  await runCommand('umount', [join(base, name, 'nodes/pi0/root')]);
  delete process.env.BRAMBLE_FLEET_DIR;
  rmSync(base, { recursive: true, force: true });
});

void test('a fleet that left nothing has no leaks, and a fleet of a similar name is not counted', () => {
  assert.deepEqual(hostLeaks(name), []);
  mkdirSync(join(base, `${name}x`));
  assert.deepEqual(hostLeaks(name), []);
});

void test(
  'namespaces, veths, the bridge, mounts and directories left behind are each named',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  async () => {
    await mustRun('ip', ['netns', 'add', `bramble-${name}-pi0`]);
    await mustRun('ip', ['link', 'add', bridge, 'type', 'bridge']);
    await mustRun('ip', ['link', 'add', `bv${tag}-0`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', `bramble-${name}-pi0`]);
    const mount = join(base, name, 'nodes/pi0/root');
    mkdirSync(mount, { recursive: true });
    await mustRun('mount', ['-t', 'tmpfs', 'bramble-leak-test', mount]);
    assert.deepEqual(hostLeaks(name).sort(), [
      `bridge ${bridge}`,
      `directory ${join(base, name)}`,
      `mount ${mount}`,
      `network namespace bramble-${name}-pi0`,
      `veth bv${tag}-0`,
    ]);

    await mustRun('umount', [mount]);
    await mustRun('ip', ['netns', 'delete', `bramble-${name}-pi0`]);
    await mustRun('ip', ['link', 'delete', bridge]);
    rmSync(join(base, name), { recursive: true });
    assert.deepEqual(hostLeaks(name), [], 'the veth went with its namespace');
  },
);
