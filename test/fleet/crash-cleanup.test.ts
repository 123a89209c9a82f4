// A run that dies without tearing its fleet down must not leave the host dirty: a SIGKILLed run
// is cleaned up from its state file by the reaper (or the next startFleet of that name), and a
// run that merely forgot teardown is cleaned up by the reaper its exit hook starts, and a run
// stopped by SIGINT or SIGTERM tears its fleet down itself, cgroups included, before it exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { stateFile, type FleetState } from './fleet-state.ts';
import { isAlive, mountPoints, sleep } from './host-resources.ts';
import { runCommand } from './run-command.ts';
import { hostLeaks } from './host-leaks.ts';

const fixture = new URL('./crash-fixture.ts', import.meta.url).pathname;
const reaper = new URL('./reap.ts', import.meta.url).pathname;

/** Runs the fixture until it says READY; returns its PID and the state it recorded. */
async function startFixture(
  name: string,
  subnet: string,
  mode: 'hang' | 'exit',
): Promise<{ pid: number; state: FleetState; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture, name, subnet, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = child.pid;
  assert.ok(pid);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ? -1 : code)));
  let output = '';
  const state = await new Promise<FleetState | undefined>((resolve) => {
    const timer = setTimeout(() => resolve(undefined), 120_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
      const line = /^READY (.*)\n/m.exec(output);
      if (line?.[1]) {
        clearTimeout(timer);
        resolve(JSON.parse(line[1]) as FleetState);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  if (!state) child.kill('SIGKILL');
  assert.ok(state, `the fixture started its fleet and recorded it: ${output}`);
  assert.equal(state.name, name);
  return { pid, state, exited };
}

function assertGone(state: FleetState): void {
  for (const { pid } of Object.values(state.machines)) assert.equal(isAlive(pid), false, `nspawn ${pid} still runs`);
  for (const ns of state.netns) assert.equal(existsSync(`/run/netns/${ns}`), false, `netns ${ns} left`);
  assert.equal(existsSync(`/sys/class/net/${state.bridge ?? ''}`), false, 'bridge left');
  assert.deepEqual(
    mountPoints().filter((m) => m.startsWith(state.dir)),
    [],
  );
  assert.equal(existsSync(state.dir), false);
  assert.equal(existsSync(stateFile(state.name)), false);
  assert.deepEqual(hostLeaks(state.name), []);
}

async function waitFor(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!condition() && Date.now() < deadline) await sleep(200);
  return condition();
}

void test('the reaper cleans up after a run that was SIGKILLed', async () => {
  const name = 'fleet-crash';
  const { pid, state } = await startFixture(name, '10.213.251.0/24', 'hang');
  try {
    process.kill(pid, 'SIGKILL');
    assert.ok(await waitFor(() => !isAlive(pid), 10_000));
    const machine = Object.values(state.machines)[0];
    assert.ok(machine && isAlive(machine.pid), 'the node outlives the killed run');
  } finally {
    const reaped = await runCommand(process.execPath, ['--import', 'tsx', reaper, name], { timeoutMs: 60_000 });
    assert.equal(reaped.code, 0, reaped.stderr);
  }
  assertGone(state);
});

void test('a run that exits without teardown is cleaned up by the reaper its exit hook starts', async () => {
  const name = 'fleet-forgot';
  const { state } = await startFixture(name, '10.213.252.0/24', 'exit');
  const cleaned = await waitFor(() => !existsSync(stateFile(name)), 60_000);
  if (!cleaned) await runCommand(process.execPath, ['--import', 'tsx', reaper, name], { timeoutMs: 60_000 });
  assert.ok(cleaned, 'the reaper removed the fleet');
  assertGone(state);
});

for (const [signal, number, subnet] of [
  ['SIGTERM', 15, '10.213.253.0/24'],
  ['SIGINT', 2, '10.213.254.0/24'],
] as const) {
  void test(`a run stopped by ${signal} tears its fleet down, cgroups and nodes included, and exits ${128 + number}`, async () => {
    const name = `fleet-${signal.toLowerCase()}`;
    const { pid, state, exited } = await startFixture(name, subnet, 'hang');
    const machine = Object.values(state.machines)[0];
    assert.ok(machine && isAlive(machine.pid), 'the node runs before the signal');
    assert.ok(state.cgroups.length > 0);
    process.kill(pid, signal);
    const code = await Promise.race([exited, sleep(150_000).then(() => 'timeout' as const)]);
    if (code === 'timeout') await runCommand(process.execPath, ['--import', 'tsx', reaper, name], { timeoutMs: 60_000 });
    assert.equal(code, 128 + number, 'the run exits by its own signal handler, not by the signal');
    // Its own teardown, not the reaper: nothing may be left the moment it has exited.
    assertGone(state);
  });
}
