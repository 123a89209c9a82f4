// The cleanup that teardown and the reaper share touches only what a state file records, and
// refuses to delete a fleet directory while anything is still mounted inside it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupFleet } from './fleet-cleanup.ts';
import { emptyState, saveState, stateFile } from './fleet-state.ts';
import { isAlive, isMounted } from './host-resources.ts';
import { runCommand } from './run-command.ts';

let base: string;

before(() => {
  base = mkdtempSync(join(tmpdir(), 'bramble-fleet-cleanup-'));
  process.env.BRAMBLE_FLEET_DIR = base;
});

after(() => {
  delete process.env.BRAMBLE_FLEET_DIR;
  rmSync(base, { recursive: true, force: true });
});

void test('cleanup skips what is already gone and never signals a PID that is not its nspawn', async () => {
  const bystander = spawn('sleep', ['30'], { stdio: 'ignore' });
  try {
    const state = emptyState('gone');
    mkdirSync(join(state.dir, 'nodes/pi0'), { recursive: true });
    writeFileSync(join(state.dir, 'nodes/pi0/console.log'), 'boot\n');
    state.bridge = 'bbr-000000';
    state.netns.push('bramble-gone-pi0');
    state.mounts.push(join(state.dir, 'nodes/pi0/root'));
    state.cgroups.push('bramble-fleet-test-never-made/gone');
    state.machines.pi0 = { pid: bystander.pid ?? -1, machine: 'gone-pi0' };
    saveState(state);

    await cleanupFleet(state);
    assert.equal(isAlive(bystander.pid ?? -1), true, 'a process that is not the recorded nspawn is left alone');
    assert.equal(existsSync(state.dir), false);
    assert.equal(existsSync(stateFile('gone')), false);
  } finally {
    bystander.kill('SIGKILL');
  }
});

void test(
  'cleanup keeps the directory and the state when something is still mounted inside',
  { skip: process.getuid?.() !== 0 && 'needs root to mount' },
  async () => {
    const state = emptyState('busy');
    const mount = join(state.dir, 'nodes/pi0/root');
    mkdirSync(mount, { recursive: true });
    saveState(state);
    const mounted = await runCommand('mount', ['-t', 'tmpfs', 'bramble-cleanup-test', mount]);
    assert.equal(mounted.code, 0, mounted.stderr);
    try {
      writeFileSync(join(mount, 'precious'), 'data');
      await assert.rejects(cleanupFleet(state), /still mounted/);
      assert.equal(existsSync(join(mount, 'precious')), true, 'nothing under a mount was deleted');
      assert.equal(existsSync(stateFile('busy')), true, 'the state stays for a later attempt');
    } finally {
      await runCommand('umount', [mount]);
    }
    assert.equal(isMounted(mount), false);
    await cleanupFleet(state);
    assert.equal(existsSync(state.dir), false);
  },
);
