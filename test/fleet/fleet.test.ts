// Proves the simulated Pi fleet against the real parts: systemd-nspawn nodes, their sshd (through
// the system ssh client with pinned keys), the bridge, and apt installing from the fleet's repo.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { startFleet, type Fleet, type FleetNode } from './fleet.ts';
import { loadState, stateFile, type FleetState } from './fleet-state.ts';
import { systemSsh } from './system-ssh.ts';
import { scanHostKey } from './sshd-probe.ts';
import { isAlive, mountPoints, sleep } from './host-resources.ts';
import { hostLeaks } from './host-leaks.ts';

const name = 'fleet-harness';
let fleet: Fleet;

before(async () => {
  fleet = await startFleet({ name, nodes: 3 });
});

after(async () => {
  await fleet?.teardown();
});

function node(n: string): FleetNode {
  const found = fleet.nodes.find((x) => x.name === n);
  assert.ok(found, `no node ${n}`);
  return found;
}

function ssh(n: string, user: string, command: string, knownHosts = fleet.knownHosts(), connectTimeoutSeconds = 5) {
  return systemSsh({
    address: node(n).address,
    user,
    identity: fleet.clientKey.privateKeyPath,
    knownHosts,
    command,
    connectTimeoutSeconds,
  });
}

async function mustExec(n: string, command: string, timeoutMs?: number): Promise<string> {
  const result = await fleet.exec(n, command, { timeoutMs });
  assert.equal(result.code, 0, `${n}: ${command}\n${result.stderr}`);
  return result.stdout;
}

void test('every node answers ssh as root and as pi with the client key and pinned host keys', async () => {
  assert.equal(fleet.nodes.length, 3);
  for (const n of fleet.nodes) {
    const asRoot = await ssh(n.name, 'root', 'id -un; hostname');
    assert.equal(asRoot.code, 0, asRoot.stderr);
    assert.equal(asRoot.stdout, `root\n${n.name}\n`);
    const asPi = await ssh(n.name, 'pi', 'id -un; sudo -n id -un');
    assert.equal(asPi.code, 0, asPi.stderr);
    assert.equal(asPi.stdout, 'pi\nroot\n', 'pi is a sudo user without a password');
  }
});

void test('a host key other than the pinned one makes ssh refuse to connect', async () => {
  const [pi0, pi1] = [node('pi0'), node('pi1')];
  const wrong = `${pi0.address} ${pi1.hostKey}\n`;
  const result = await ssh('pi0', 'root', 'true', wrong);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /host key|REMOTE HOST IDENTIFICATION HAS CHANGED/i);
});

void test('every node has its own host key, the one on its disk and the one sshd presents', async () => {
  const keys = fleet.nodes.map((n) => n.hostKey);
  assert.equal(new Set(keys).size, keys.length);
  for (const n of fleet.nodes) {
    assert.match(n.hostKey, /^ssh-ed25519 AAAA[0-9A-Za-z+/=]+$/);
    assert.equal(await scanHostKey(n.address), n.hostKey);
    const onDisk = readFileSync(`${fleet.rootDir(n.name)}/etc/ssh/ssh_host_ed25519_key.pub`, 'utf8');
    assert.ok(onDisk.startsWith(n.hostKey));
  }
});

void test('exec runs inside the node without ssh, with real systemd, Slurm and GlusterFS', async () => {
  for (const n of fleet.nodes) {
    assert.equal(await mustExec(n.name, 'hostname'), `${n.name}\n`);
    assert.equal(await mustExec(n.name, 'cat /proc/1/comm'), 'systemd\n');
    await mustExec(n.name, 'test -c /dev/fuse');
    for (const binary of ['systemd', 'slurmctld', 'slurmd', 'glusterd', 'munge', 'python3', 'sudo']) {
      await mustExec(n.name, `command -v ${binary}`);
    }
    const state = await fleet.exec(n.name, 'systemctl is-system-running --wait', { timeoutMs: 60_000 });
    const failed = await mustExec(n.name, 'systemctl --failed --no-legend --plain');
    assert.match(state.stdout.trim(), /^(running|degraded)$/, `failed units: ${failed}`);
    assert.equal(failed.trim(), '', `${n.name} has failed units`);
  }
  // Each node runs in its own cgroup, so what it costs can be told apart from the others.
  for (const n of fleet.nodes) {
    const bytes = fleet.memoryBytes(n.name);
    assert.ok(bytes > 2 ** 20 && bytes < 200 * 2 ** 20, `${n.name} uses ${bytes} bytes`);
  }
  const failing = await fleet.exec('pi0', 'exit 3');
  assert.equal(failing.code, 3);
});

void test('nodes reach each other, and /etc/hosts lists only the node itself', async () => {
  const pi1 = node('pi1');
  await mustExec('pi0', `ping -c 1 -W 2 ${pi1.address}`);
  const hosts = await mustExec('pi0', 'cat /etc/hosts');
  assert.match(hosts, /\bpi0\b/);
  assert.doesNotMatch(hosts, /\bpi1\b|\bpi2\b/);
});

void test('a node has no route out of the bridge', async () => {
  const routes = await mustExec('pi0', 'ip -4 route show');
  assert.equal(await mustExec('pi0', 'ip -4 route show default'), '');
  for (const line of routes.trim().split('\n')) {
    assert.ok(line.startsWith(fleet.subnet.replace('/24', '/24 ')), `unexpected route: ${line}`);
  }
  const port = new URL(fleet.aptRepoUrl).port;
  // The host's apt server is reachable on the bridge address...
  await mustExec('pi0', `curl -sS --max-time 5 -o /dev/null ${fleet.aptRepoUrl}Packages.gz`);
  // ...but the host's loopback is not the node's: the same port on 127.0.0.1 is closed.
  const loopback = await fleet.exec('pi0', `curl -sS --max-time 3 -o /dev/null http://127.0.0.1:${port}/Packages.gz`);
  assert.notEqual(loopback.code, 0);
});

void test('a second fleet on a subnet in use is refused and leaves nothing behind', async () => {
  await assert.rejects(startFleet({ name: 'fleet-clash', nodes: 1, subnet: fleet.subnet }), /already used/);
  assert.equal(existsSync(stateFile('fleet-clash')), false);
  assert.equal((await ssh('pi0', 'root', 'hostname')).stdout, 'pi0\n', 'the running fleet is untouched');
});

void test('a node installs packages from the fleet apt repository', async () => {
  const absent = await fleet.exec('pi2', 'command -v tree || command -v jq');
  assert.notEqual(absent.code, 0, 'tree and jq are not in the base image');
  await mustExec('pi2', `echo 'deb [trusted=yes] ${fleet.aptRepoUrl} ./' > /etc/apt/sources.list.d/fleet.list`);
  await mustExec('pi2', 'apt-get update -q', 120_000);
  await mustExec('pi2', 'DEBIAN_FRONTEND=noninteractive apt-get install -y -q tree jq', 180_000);
  assert.equal(await mustExec('pi2', `echo '{"a":[1,2]}' | jq -c .a`), '[1,2]\n');
  assert.match(await mustExec('pi2', 'tree -d /etc/ssh'), /sshd_config\.d/);
});

void test('power off and on keeps the disk (files and host key)', async () => {
  const marker = randomUUID();
  await mustExec('pi1', `echo ${marker} > /root/marker`);
  const keyBefore = node('pi1').hostKey;
  await fleet.stop('pi1');
  await assert.rejects(fleet.exec('pi1', 'true'), /powered off/);
  const down = await ssh('pi1', 'root', 'true', fleet.knownHosts(), 2);
  assert.notEqual(down.code, 0);
  await fleet.start('pi1');
  assert.equal(await mustExec('pi1', 'cat /root/marker'), `${marker}\n`);
  assert.equal(node('pi1').hostKey, keyBefore);
  assert.equal((await ssh('pi1', 'root', 'cat /root/marker')).stdout, `${marker}\n`);
});

// When PID 1 (systemd) started, in clock ticks since the host booted: a new boot, a new value.
const pid1StartTime = "cut -d' ' -f22 /proc/1/stat";

void test('reboot starts a new boot on the same disk', async () => {
  await mustExec('pi1', 'echo volatile > /run/marker && echo kept > /root/kept');
  const bootBefore = await mustExec('pi1', pid1StartTime);
  await fleet.reboot('pi1');
  assert.notEqual(await mustExec('pi1', pid1StartTime), bootBefore);
  assert.notEqual((await fleet.exec('pi1', 'test -e /run/marker')).code, 0, '/run is emptied by a reboot');
  assert.equal(await mustExec('pi1', 'cat /root/kept'), 'kept\n');
  assert.equal((await ssh('pi1', 'pi', 'hostname')).stdout, 'pi1\n');
});

void test('a cut link makes ssh fail within seconds, and restoring it heals', async () => {
  await fleet.cutLink('pi2');
  try {
    const started = Date.now();
    const cut = await ssh('pi2', 'root', 'true', fleet.knownHosts(), 3);
    assert.notEqual(cut.code, 0);
    assert.ok(Date.now() - started < 10_000, `ssh took ${Date.now() - started} ms to fail`);
    assert.equal(await mustExec('pi2', 'hostname'), 'pi2\n', 'the node keeps running');
  } finally {
    await fleet.restoreLink('pi2');
  }
  let healed = await ssh('pi2', 'root', 'hostname');
  for (let i = 0; i < 10 && healed.code !== 0; i++) {
    await sleep(500);
    healed = await ssh('pi2', 'root', 'hostname');
  }
  assert.equal(healed.code, 0, healed.stderr);
  assert.equal(healed.stdout, 'pi2\n');
});

void test('replaceHostKey gives the node a new key that sshd presents', async () => {
  const oldKnownHosts = fleet.knownHosts();
  const oldKey = node('pi0').hostKey;
  const newKey = await fleet.replaceHostKey('pi0');
  assert.notEqual(newKey, oldKey);
  assert.equal(node('pi0').hostKey, newKey);
  assert.equal(await scanHostKey(node('pi0').address), newKey);
  const stale = await ssh('pi0', 'root', 'true', oldKnownHosts);
  assert.notEqual(stale.code, 0, 'the old pinned key no longer matches');
  assert.equal((await ssh('pi0', 'root', 'hostname')).stdout, 'pi0\n');
});

void test('teardown leaves no process, mount, network namespace, bridge or state behind', async () => {
  const state = loadState(name) as FleetState;
  assert.ok(state, 'a running fleet has a state file');
  const pids = Object.values(state.machines).map((m) => m.pid);
  assert.equal(pids.length, 3);
  await fleet.teardown();
  for (const pid of pids) assert.equal(isAlive(pid), false, `nspawn ${pid} still runs`);
  for (const ns of state.netns) assert.equal(existsSync(`/run/netns/${ns}`), false, `netns ${ns} left`);
  assert.ok(state.bridge);
  assert.equal(existsSync(`/sys/class/net/${state.bridge}`), false, 'bridge left');
  assert.deepEqual(
    mountPoints().filter((m) => m.startsWith(state.dir)),
    [],
  );
  assert.equal(existsSync(state.dir), false);
  for (const cgroup of state.cgroups) assert.equal(existsSync(`/sys/fs/cgroup/systemd/${cgroup}`), false);
  assert.equal(existsSync(stateFile(name)), false);
  assert.deepEqual(hostLeaks(name), [], 'nothing of the fleet is left on the host');
});
