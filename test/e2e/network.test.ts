// Static network with automatic rollback (issue 21), end to end: a simulated Pi whose eth0
// NetworkManager manages (as on Bookworm), the embedded control plane, the operator as `bramble
// run` composes it. A second subnet on the fleet's bridge makes a move between static addresses
// reachable; a subnet routed into the bridge with no host address in it is one the Pi cannot be
// reached at. Timings go to stderr.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { condition, E2eEnvironment, type ObjectJson } from './environment.ts';
import { waitFor } from './wait.ts';

const resyncMs = 8_000;
const rollbackAfterSeconds = 20;
const home = '10.213.70';
const second = '10.213.71';
const nowhere = '10.213.72';
let env: E2eEnvironment;

const log = (message: string) => process.stderr.write(`network e2e: ${message}\n`);
const piNode = (): Promise<ObjectJson> => env.get('pinode', 'pi0');
const networkStatus = async () =>
  ((await piNode()).status?.network ?? {}) as { address?: string; lastChange?: { outcome: string; token: string; message: string } };

function staticNetwork(prefix: string): Record<string, unknown> {
  return { mode: 'Static', address: `${prefix}.10/24`, reachAt: `${prefix}.10`, rollbackAfterSeconds };
}

async function setNetwork(network: Record<string, unknown>): Promise<void> {
  await env.kubectl(['patch', 'pinode', 'pi0', '--type=merge', '-p', JSON.stringify({ spec: { network } })]);
}

/** sshd answers at this address (a TCP connect and its banner; nothing is sent). */
function sshAnswers(host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port: 22, timeout: 2_000 });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('SSH-'));
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

const addressesOnPi = () => env.onNode('pi0', "ip -4 -o addr show dev eth0 | awk '{print $4}'");

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2enet', nodes: 1, subnet: `${home}.0/24`, resyncMs, networkManager: ['pi0'] });
  await env.fleet.addSubnet(`${second}.0/24`);
  await env.fleet.addUnreachableSubnet(`${nowhere}.0/24`);
  await env.kubectl(['apply', '-f', '-'], env.piNodeYaml());
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', 'pi0', '--timeout=120s']);
  const facts = ((await piNode()).status?.facts ?? {}) as Record<string, unknown>;
  assert.equal(facts.networkManagedBy, 'NetworkManager');
});

after(async () => {
  await env?.close();
});

test('a PiNode moves from one static address to another and stays Ready at the new one', async () => {
  const started = Date.now();
  await setNetwork(staticNetwork(second));
  await waitFor('the move to be confirmed', 90_000, async () => (await networkStatus()).address === `${second}.10`);
  const movedMs = Date.now() - started;
  assert.equal(await addressesOnPi(), `${second}.10/24`);
  assert.equal(await sshAnswers(`${second}.10`), true);
  assert.equal(await sshAnswers(`${home}.10`), false, 'the old address is gone');
  // A resync later it is still Ready, observed at the new address; the Pi's own timer is stopped.
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', 'pi0', '--timeout=60s']);
  const node = await piNode();
  assert.equal(condition(node, 'NetworkRolledBack')?.status, 'False');
  assert.equal(await env.onNode('pi0', 'cat /var/lib/bramble/network/eth0.state | cut -d" " -f1'), 'confirmed');
  await new Promise((r) => setTimeout(r, (rollbackAfterSeconds + 3) * 1000));
  assert.equal(await addressesOnPi(), `${second}.10/24`, 'no rollback after a confirm');
  assert.equal(condition(await piNode(), 'Ready')?.status, 'True');
  log(`moved ${home}.10 → ${second}.10 and confirmed in ${movedMs} ms`);
});

test('a change to an unreachable subnet rolls back by itself within the timer and is reported', async () => {
  const started = Date.now();
  await setNetwork(staticNetwork(nowhere));
  await waitFor('the Pi to take the unreachable address', 30_000, async () => (await addressesOnPi()) === `${nowhere}.10/24`);
  const switchedMs = Date.now() - started;
  await waitFor(
    'the Pi to restore its previous address',
    (rollbackAfterSeconds + 15) * 1000,
    async () => (await addressesOnPi()) === `${second}.10/24`,
  );
  const restoredMs = Date.now() - started;
  await waitFor('NetworkRolledBack', 120_000, async () => condition(await piNode(), 'NetworkRolledBack')?.status === 'True');
  const reportedMs = Date.now() - started;
  const node = await piNode();
  assert.match(
    condition(node, 'NetworkRolledBack')?.message ?? '',
    new RegExp(`not confirmed at ${nowhere.replaceAll('.', '\\.')}\\.10 within ${rollbackAfterSeconds}s`),
  );
  assert.equal(condition(node, 'Ready')?.status, 'False');
  assert.equal(await sshAnswers(`${second}.10`), true, 'the Pi answers at its old address');
  const events = await env.events();
  assert.ok(
    events.some((e) => e.reason === 'NetworkRolledBack' && e.type === 'Warning'),
    'a Warning Event',
  );
  assert.ok(restoredMs - switchedMs <= (rollbackAfterSeconds + 10) * 1000, `restored ${restoredMs - switchedMs} ms after the switch`);
  log(
    `unreachable change: switched after ${switchedMs} ms, restored by the Pi after ${restoredMs} ms, NetworkRolledBack reported after ${reportedMs} ms`,
  );
});

test('the operator killed between switch and confirm: the Pi rolls back, the restarted operator reports it', async () => {
  // Back to a settled state first: the previous address again (it is what the Pi has).
  await setNetwork(staticNetwork(second));
  await waitFor('settled', 60_000, async () => condition(await piNode(), 'Ready')?.status === 'True');
  // The in-process operator hands over to operator processes, which can be SIGKILLed.
  const inProcess = env.operator;
  await inProcess.stop();
  env.operator = { ...inProcess, stop: async () => undefined };

  const dir = mkdtempSync(join(tmpdir(), 'bramble-network-e2e-'));
  const kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, env.cp.cp.kubeconfig(), { mode: 0o600 });
  const operatorProcess = (name: string): ChildProcess =>
    spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'test', 'e2e', 'operator-process.ts'),
        join(dir, 'calls.jsonl'),
        name,
        '--kubeconfig',
        kubeconfig,
        '--metrics-bind-address',
        '0',
        '--health-probe-bind-address',
        '0',
        '--log-level',
        'warn',
      ],
      {
        cwd: REPO_ROOT,
        env: { PATH: process.env.PATH, HOME: dir, BRAMBLE_FAULTS_RESYNC_MS: String(resyncMs) },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
  const first = operatorProcess('doomed');
  let second2: ChildProcess | undefined;
  try {
    const started = Date.now();
    await setNetwork({ ...staticNetwork(nowhere), rollbackAfterSeconds: rollbackAfterSeconds + 1 });
    await waitFor('the change to be armed and switched', 60_000, async () => (await addressesOnPi()) === `${nowhere}.10/24`);
    first.kill('SIGKILL');
    const killedMs = Date.now() - started;
    assert.match(await env.onNode('pi0', 'cat /var/lib/bramble/network/eth0.state'), /^armed /, 'killed before any confirm');
    await waitFor(
      'the Pi to roll back by itself',
      (rollbackAfterSeconds + 15) * 1000,
      async () => (await addressesOnPi()) === `${second}.10/24`,
    );
    const restoredMs = Date.now() - started;
    assert.match(await env.onNode('pi0', 'cat /var/lib/bramble/network/eth0.state'), /^rolled-back /);
    second2 = operatorProcess('successor');
    await waitFor('the new operator to report NetworkRolledBack', 120_000, async () => {
      const node = await piNode();
      return (
        condition(node, 'NetworkRolledBack')?.status === 'True' &&
        (await networkStatus()).lastChange?.token !== undefined &&
        (await env.onNode('pi0', "cut -d' ' -f2 /var/lib/bramble/network/eth0.state")) === (await networkStatus()).lastChange?.token
      );
    });
    const reportedMs = Date.now() - started;
    assert.equal(await sshAnswers(`${second}.10`), true);
    log(
      `operator killed ${killedMs} ms after the change, Pi restored itself at ${restoredMs} ms, successor reported it at ${reportedMs} ms`,
    );
  } finally {
    first.kill('SIGKILL');
    second2?.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
});
