// PiNode end to end: the samples applied with the real kubectl to the embedded control plane,
// the operator as `bramble run` composes it, and five simulated Pis with real sshd, systemd,
// apt and users. Only the executor is wrapped, to count the commands it passes on unchanged.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments, stringify } from 'yaml';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { promtoolCheckMetrics } from '../../metrics/promtool.ts';
import { condition, E2eEnvironment, type ObjectJson } from './environment.ts';
import { waitFor } from './wait.ts';

const resyncMs = 8_000;
let env: E2eEnvironment;

const kubectl = (args: string[], stdin?: string): Promise<string> => env.kubectl(args, stdin);
const piNodes = (): Promise<ObjectJson[]> => env.list('pinodes');
const piNode = (name: string): Promise<ObjectJson> => env.get('pinode', name);
const events = () => env.events();
const onNode = (node: string, command: string): Promise<string> => env.onNode(node, command);

async function acceptedLogins(node: string): Promise<number> {
  const out = await onNode(node, "journalctl -u ssh.service --no-pager -o cat | grep -c 'Accepted publickey' || true");
  return Number(out);
}

async function allOthersReady(except: string): Promise<void> {
  for (const n of await piNodes()) {
    if (n.metadata.name === except) continue;
    assert.equal(condition(n, 'Ready')?.status, 'True', `${n.metadata.name} stays Ready while ${except} is broken`);
  }
}

/** The samples' PiNodes, pointed at the fleet: addresses and pinned host keys. */
function samplePiNodesForFleet(): string {
  const text = readFileSync(join(REPO_ROOT, 'manifests/samples/pinodes.yaml'), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJSON() as ObjectJson & { kind: string });
  const out = docs
    .filter((d) => d?.kind === 'PiNode')
    .map((doc, i) => {
      const node = env.fleet.nodes[i];
      assert.ok(node, 'the fleet has a Pi for every sample PiNode');
      const ssh = doc.spec.ssh as Record<string, unknown>;
      return { ...doc, spec: { ...doc.spec, address: node.address, ssh: { ...ssh, hostKey: node.hostKey } } };
    });
  assert.equal(out.length, 5, 'the samples declare five Pis');
  return out.map((d) => stringify(d)).join('---\n');
}

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2epinode', nodes: 5, subnet: '10.213.40.0/24', resyncMs });
  await kubectl(['apply', '-f', '-'], samplePiNodesForFleet());
});

after(async () => {
  await env?.close();
});

test('applying the samples brings five Pis to Ready with their facts and declared state', async () => {
  const started = Date.now();
  await kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=240s']);
  const convergeMs = Date.now() - started;
  const nodes = await piNodes();
  assert.equal(nodes.length, 5);
  for (const n of nodes) {
    const f = (n.status?.facts ?? {}) as Record<string, unknown>;
    assert.ok(Number(f.cpus) >= 1, `${n.metadata.name} reports CPUs`);
    assert.ok(Number(f.memoryBytes) > 0 && Number(f.diskBytes) > 0, `${n.metadata.name} reports memory and disk`);
    assert.match(String(f.os), /Debian/);
    assert.equal(f.arch, 'x86_64');
    const fleetNode = env.fleet.nodes.find((x) => x.address === n.spec.address);
    assert.equal(n.status?.hostKey, fleetNode?.hostKey);
    assert.ok(n.status?.lastSeen);
  }
  for (const n of env.fleet.nodes) {
    const name = nodes.find((x) => x.spec.address === n.address)?.spec.hostname;
    assert.equal(await onNode(n.name, 'hostname'), name);
    assert.equal(await onNode(n.name, 'cat /etc/hostname'), name);
    assert.equal(await onNode(n.name, 'cat /etc/timezone'), 'Europe/London');
    assert.match(await onNode(n.name, 'id -nG alice'), /\bsudo\b/);
    assert.match(await onNode(n.name, 'cat /home/alice/.ssh/authorized_keys'), /alice@laptop/);
    assert.equal(await onNode(n.name, "stat -c '%a %U' /home/alice/.ssh/authorized_keys"), '600 alice');
    assert.match(await onNode(n.name, "dpkg-query -W -f '${Status}' htop rsync"), /^(install ok installed){2}$/);
  }
  const table = await kubectl(['get', 'pinodes']);
  assert.match(table.split('\n')[0] ?? '', /NAME\s+ADDRESS\s+MODEL\s+TEMP\s+READY\s+AGE/);
  for (const node of nodes) {
    const applies = env.counter.forHost(String(node.spec.address)).filter((c) => c.kind === 'apply').length;
    assert.equal(applies, 1, `${node.metadata.name} converged in one batched apply`);
  }
  process.stdout.write(`# figure: 5 PiNodes, apply to all Ready: ${convergeMs} ms\n`);
});

test('a no-change resync is one SSH exec per Pi and changes nothing', async () => {
  const mark = env.counter.calls.length;
  const since = Date.now();
  await waitFor('every Pi re-observed by a resync', resyncMs * 4, async () =>
    env.fleet.nodes.every((n) => env.counter.since(mark).some((c) => c.host === n.address && c.kind === 'observe' && c.done)),
  );
  const window = env.counter.since(mark);
  assert.deepEqual(
    window.filter((c) => c.kind !== 'observe'),
    [],
    'no mutating command in a resync',
  );
  for (const n of env.fleet.nodes) {
    const observes = window.filter((c) => c.host === n.address);
    assert.ok(observes.length >= 1 && observes.length <= 2, `${n.name}: ${observes.length} execs in ${Date.now() - since} ms`);
    assert.ok(
      observes.every((c) => !c.done || c.exitCode === 0),
      `${n.name}: every finished observe exited 0`,
    );
  }
  const wall = window.map((c) => c.durationMs).sort((a, b) => a - b);
  process.stdout.write(
    `# figure: no-change resync: ${window.length} execs for 5 Pis, per-exec wall p50 ${wall[Math.floor(wall.length / 2)]} ms, max ${wall[wall.length - 1]} ms\n`,
  );
});

test('a hostname changed by hand is restored, with an Event saying what it was', async () => {
  await onNode('pi1', 'echo handmade > /etc/hostname && hostname handmade');
  await waitFor('pi1 hostname restored', resyncMs * 5, async () => (await onNode('pi1', 'hostname')) === 'pi1');
  assert.equal(await onNode('pi1', 'cat /etc/hostname'), 'pi1');
  await waitFor('drift event for pi1', 15_000, async () =>
    (await events()).some((e) => e.regarding?.name === 'pi1' && e.reason === 'DriftCorrected' && /handmade/.test(e.note ?? '')),
  );
});

test('a replaced host key stops all work on that Pi and leaves the other four alone', async () => {
  const loginsBefore = await acceptedLogins('pi3');
  const newKey = await env.fleet.replaceHostKey('pi3');
  await waitFor('pi3 HostKeyMismatch', resyncMs * 5, async () => {
    const c = condition(await piNode('pi3'), 'Reachable');
    return c?.status === 'False' && c.reason === 'HostKeyMismatch';
  });
  const marked = env.counter.calls.length;
  await waitFor('a later resync tried pi3 again', resyncMs * 5, async () =>
    env.counter.since(marked).some((c) => c.host === env.fleet.nodes[3]?.address),
  );
  assert.equal(await acceptedLogins('pi3'), loginsBefore, 'sshd on pi3 saw no login after its key changed');
  assert.ok((await events()).some((e) => e.regarding?.name === 'pi3' && e.type === 'Warning' && e.reason === 'HostKeyMismatch'));
  assert.equal(condition(await piNode('pi3'), 'Ready')?.status, 'False');
  await allOthersReady('pi3');
  // Pinning the new key is how a person says "this change was me": pi3 comes back.
  await kubectl(['patch', 'pinode', 'pi3', '--type', 'merge', '-p', JSON.stringify({ spec: { ssh: { hostKey: newKey } } })]);
  await kubectl(['wait', '--for=condition=Ready', 'pinode/pi3', '--timeout=120s']);
});

test('a Pi whose link is cut becomes unreachable, the others stay Ready, and it recovers by itself', async () => {
  await env.fleet.cutLink('pi4');
  try {
    await waitFor('pi4 Reachable=False', resyncMs * 8, async () => condition(await piNode('pi4'), 'Reachable')?.status === 'False');
    await allOthersReady('pi4');
  } finally {
    await env.fleet.restoreLink('pi4');
  }
  await kubectl(['wait', '--for=condition=Ready', 'pinode/pi4', '--timeout=180s']);
});

test('a PiNode whose Secret is missing says which Secret, and nothing is sent', async () => {
  const address = '10.213.40.250';
  const orphan = {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'orphan' },
    spec: { address, ssh: { privateKeySecretRef: { name: 'no-such-secret' }, hostKeyPolicy: 'TrustOnFirstUse' } },
  };
  await kubectl(['apply', '-f', '-'], JSON.stringify(orphan));
  await waitFor('orphan SecretNotFound', 30_000, async () => {
    const c = condition(await piNode('orphan'), 'Ready');
    return c?.status === 'False' && c.reason === 'SecretNotFound' && /no-such-secret/.test(c.message);
  });
  const orphanNode = await piNode('orphan');
  assert.equal(condition(orphanNode, 'Stalled')?.status, 'True', 'a missing Secret needs a person: Stalled');
  assert.equal(condition(orphanNode, 'Reachable')?.reason, 'SecretNotFound');
  assert.ok((await events()).some((e) => e.regarding?.name === 'orphan' && e.type === 'Warning' && /no-such-secret/.test(e.note ?? '')));
  assert.equal(env.counter.forHost(address).length, 0, 'no SSH to a Pi without credentials');
  await kubectl(['delete', 'pinode', 'orphan', '--wait=true', '--timeout=30s']);
});

test('hostile field values are rejected by the control plane, naming the field, before any SSH', async () => {
  const hostile: [string, Record<string, unknown>][] = [
    ['spec.hostname', { hostname: '$(reboot)' }],
    ['spec.address', { address: '10.213.40.11; rm -rf /' }],
    ['spec.timezone', { timezone: '../../etc/shadow' }],
    ['spec.users[0].name', { users: [{ name: 'x`reboot`' }] }],
    ['spec.packages[0]', { packages: ['--allow-unauthenticated'] }],
  ];
  const before = env.counter.calls.length;
  for (const [field, override] of hostile) {
    const obj = {
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'PiNode',
      metadata: { name: 'hostile' },
      spec: {
        address: env.fleet.nodes[0]?.address,
        ssh: { privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKeyPolicy: 'TrustOnFirstUse' },
        ...override,
      },
    };
    const r = await env.cp.kubectl(['apply', '-f', '-'], JSON.stringify(obj));
    assert.notEqual(r.code, 0, `${field} must be refused`);
    assert.ok(r.stderr.includes(field), `the refusal names ${field}: ${r.stderr}`);
    const get = await env.cp.kubectl(['get', 'pinode', 'hostile']);
    assert.notEqual(get.code, 0, 'nothing was stored');
  }
  assert.ok(
    env.counter.since(before).every((c) => c.kind === 'observe'),
    'no command came from the hostile objects',
  );
});

test('the operator exposes fleet and SSH metrics that pass promtool', async () => {
  const res = await fetch(`http://${env.operator.manager.metricsAddress}/metrics`);
  const text = await res.text();
  assert.match(text, /^bramble_node_up\{namespace="default",pinode="pi0"\} 1$/m);
  assert.match(text, /^bramble_node_memory_bytes\{namespace="default",pinode="pi2"\} [1-9]/m);
  assert.match(text, /^bramble_ssh_command_duration_seconds_count\{outcome="success"\} [1-9]/m);
  assert.match(text, /^controller_runtime_reconcile_total\{(?=[^}]*controller="pinode")(?=[^}]*result="success")[^}]*\} [1-9]/m);
  assert.deepEqual(promtoolCheckMetrics(text), { ok: true, findings: '' });
});
