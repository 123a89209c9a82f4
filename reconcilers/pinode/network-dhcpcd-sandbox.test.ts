// The dhcpcd path of a network change, its real scripts run by a real shell (root only): in a
// private mount namespace with a copy of /etc and a tmpfs over /var/lib, so nothing on the machine
// changes. systemd-run, systemctl and dhcpcd are stand-ins on PATH that record their arguments
// (the machine's own systemd must not be touched); the test fires the rollback timer itself by
// running what the stand-in systemd-run was given. Not run on a dhcpcd Pi: the fleet's Pis run
// NetworkManager (test/e2e/network.test.ts).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canUseNamespaceSandbox, startNamespaceSandbox, type NamespaceSandbox } from '../shared/namespace-sandbox.test-support.ts';
import type { PiNodeNetwork } from '../../crds/pinode-network.ts';
import { configDigest, dhcpcdBlock } from './network-profile.ts';
import { confirmScript, tryScript, type NetworkChange } from './network-scripts.ts';
import { networkProbes } from './network-observe.ts';

const skip = canUseNamespaceSandbox() ? false : 'needs root (mount namespaces)';
let sandbox: NamespaceSandbox;
let standins: string;
const userConf = "# the Pi owner's own settings\nhostname\nclientid\ninterface wlan0\nstatic ip_address=192.168.9.9/24\n";

const change = (address: string, token: string): NetworkChange => {
  const network: PiNodeNetwork = { interface: 'eth0', mode: 'Static', address, gateway: '10.0.1.1', rollbackAfterSeconds: 20 };
  return { managedBy: 'dhcpcd', network, config: dhcpcdBlock(network), token };
};

async function run(script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await sandbox.executor.exec(
    { host: 'sandbox', port: 22, user: 'root', privateKey: '', hostKey: { policy: 'TrustOnFirstUse' } },
    `PATH=${standins}:$PATH STANDIN_LOG=${standins}/log sh -s`,
    { stdin: script, timeoutMs: 30_000 },
  );
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

const standinLog = () => readFileSync(join(standins, 'log'), 'utf8');

before(async () => {
  if (skip) return;
  standins = mkdtempSync(join(tmpdir(), 'bramble-network-standins-'));
  for (const tool of ['systemd-run', 'dhcpcd']) {
    writeFileSync(join(standins, tool), `#!/bin/sh\necho "${tool} $*" >> "$STANDIN_LOG"\n`);
    chmodSync(join(standins, tool), 0o755);
  }
  // Stand-in systemctl: nothing is active; everything else is recorded.
  writeFileSync(join(standins, 'systemctl'), '#!/bin/sh\necho "systemctl $*" >> "$STANDIN_LOG"\ncase "$1" in is-active) exit 3;; esac\n');
  chmodSync(join(standins, 'systemctl'), 0o755);
  writeFileSync(join(standins, 'log'), '');
  sandbox = await startNamespaceSandbox();
  await sandbox.run('mount -t tmpfs bramble-sandbox /var/lib');
  await sandbox.run(`printf '%s' '${userConf.replaceAll("'", "'\\''")}' > /etc/dhcpcd.conf`);
});

after(() => {
  sandbox?.stop();
  if (standins) rmSync(standins, { recursive: true, force: true });
});

const rollbackCommand = () => {
  const line =
    standinLog()
      .split('\n')
      .filter((l) => l.includes('--unit=bramble-network-rollback-eth0'))
      .at(-1) ?? '';
  return line.slice(line.indexOf('/bin/sh '));
};

void test(
  "dhcpcd: the block is added after the owner's lines under a marker, the timer armed before the switch, and a confirm stops it",
  { skip },
  async () => {
    const first = change('10.0.1.20/24', `${configDigest(dhcpcdBlock(change('10.0.1.20/24', 'x').network))}-one`);
    const armed = await run(tryScript(first));
    assert.equal(armed.code, 0, armed.stderr);
    assert.equal(armed.stdout.trim(), 'armed');
    assert.equal(await sandbox.run('cat /etc/dhcpcd.conf'), userConf + first.config);
    assert.equal((await sandbox.run('cat /var/lib/bramble/network/eth0.state')).trim(), `armed ${first.token}`);
    const log = standinLog().split('\n');
    const timer = log.findIndex((l) => l.includes('--unit=bramble-network-rollback-eth0 --on-active=20s'));
    const switched = log.findIndex((l) => l.includes('systemctl restart dhcpcd'));
    assert.ok(timer >= 0 && switched > timer, `timer armed, then the switch scheduled:\n${log.join('\n')}`);
    // The observe's digest probe, run on the same file, matches what plan compares.
    const [, probe] = networkProbes('eth0').find(([name]) => name === 'network-dhcpcd-digest') ?? [];
    assert.equal((await sandbox.run(probe ?? 'false')).trim(), configDigest(first.config));

    const confirmed = await run(confirmScript('eth0', first.token, undefined));
    assert.equal(confirmed.stdout.trim(), 'confirmed', confirmed.stderr);
    assert.match(standinLog(), /systemctl stop bramble-network-rollback-eth0\.timer/);
    assert.equal((await sandbox.run('cat /var/lib/bramble/network/eth0.state')).trim(), `confirmed ${first.token}`);
  },
);

void test(
  "dhcpcd: a change not confirmed is undone by the Pi's timer: the previous dhcpcd.conf back, dhcpcd restarted, the state says rolled-back",
  { skip },
  async () => {
    const before = await sandbox.run('cat /etc/dhcpcd.conf');
    const second = change('10.0.2.20/24', '0123456789abcdef-two');
    assert.equal((await run(tryScript(second))).stdout.trim(), 'armed');
    const after = await sandbox.run('cat /etc/dhcpcd.conf');
    assert.equal(after, userConf + second.config, "bramble's old block replaced, the owner's lines untouched");
    await run(`${rollbackCommand()}`);
    assert.equal(await sandbox.run('cat /etc/dhcpcd.conf'), before);
    assert.equal((await sandbox.run('cat /var/lib/bramble/network/eth0.state')).trim(), 'rolled-back 0123456789abcdef-two');
    // A late confirm finds the rollback and says so.
    const late = await run(confirmScript('eth0', second.token, undefined));
    assert.equal(late.code, 3);
    assert.equal(late.stdout.trim(), 'rolled-back');
  },
);

void test('dhcpcd: a bramble block bramble has no marker for is left alone and nothing is armed', { skip }, async () => {
  await sandbox.run('rm -f /var/lib/bramble/network/eth0.marker');
  const conf = await sandbox.run('cat /etc/dhcpcd.conf');
  const logBefore = standinLog();
  const refused = await run(tryScript(change('10.0.3.20/24', '0123456789abcdef-three')));
  assert.notEqual(refused.code, 0);
  assert.match(refused.stderr, /dhcpcd\.conf has a bramble block for eth0 that bramble has no record of; leaving it alone/);
  assert.equal(await sandbox.run('cat /etc/dhcpcd.conf'), conf);
  assert.doesNotMatch(standinLog().slice(logBefore.length), /systemd-run|restart/, 'no timer, no switch');
});
