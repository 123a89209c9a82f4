// Liveness end to end: 21 simulated Pis, the operator as `bramble run` composes it, and nothing
// but the Pis changing — no spec change, no annotation, and a resync (10 min) and drift check
// (5 min) far beyond every bound, so only liveness (connection loss, banner probes) can make
// these transitions in time. Each case prints its measured times.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { condition, E2eEnvironment, type ObjectJson } from './environment.ts';
import { waitFor } from './wait.ts';

const nodes = 21;
const herd = Array.from({ length: 20 }, (_, i) => `pi${i}`);
const reinstalled = 'pi20';
let env: E2eEnvironment;

const piNode = (name: string): Promise<ObjectJson> => env.get('pinode', name);
const status = (n: ObjectJson, type: string): string | undefined => condition(n, type)?.status;

/** Milliseconds from `since` until `check` holds for the PiNode (polled every 500 ms). */
async function msUntil(name: string, what: string, since: number, check: (n: ObjectJson) => boolean, timeoutMs = 90_000): Promise<number> {
  await waitFor(`${name}: ${what}`, timeoutMs, async () => check(await piNode(name)), 500);
  return Date.now() - since;
}

const isDown = (n: ObjectJson): boolean => status(n, 'Reachable') === 'False' && status(n, 'Ready') === 'False';
const isReady = (n: ObjectJson): boolean => status(n, 'Ready') === 'True';

function report(what: string, ms: number): void {
  console.log(`# liveness: ${what}: ${(ms / 1000).toFixed(1)} s`);
}

async function acceptedLogins(node: string, sinceEpochSeconds: number): Promise<number> {
  const out = await env.onNode(
    node,
    `journalctl -u ssh.service --since @${sinceEpochSeconds} --no-pager -o cat | grep -c 'Accepted publickey' || true`,
  );
  return Number(out);
}

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2elive', nodes, subnet: '10.213.77.0/24', resyncMs: 10 * 60_000 });
  await env.kubectl(['apply', '-f', '-'], env.piNodeYaml());
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=300s']);
});

after(async () => {
  await env?.close();
});

test('a Pi powered off is Reachable/Ready False within 30 s; powered on, Ready within 30 s of sshd answering, with a Rebooted Event and a boot counted', async () => {
  const before = await piNode('pi0');
  const offAt = Date.now();
  await env.fleet.stop('pi0');
  const down = await msUntil('pi0', 'Reachable and Ready False', offAt, isDown);
  report('power off → Reachable/Ready False', down);
  const off = await piNode('pi0');
  assert.match(condition(off, 'Reachable')?.reason ?? '', /^(Unreachable|ConnectionLost|Timeout)$/);
  assert.ok(down <= 30_000, `down noticed after ${down} ms`);

  await env.fleet.start('pi0');
  const answeredAt = Date.now();
  const ready = await msUntil('pi0', 'Ready again', answeredAt, isReady);
  report('power on (sshd answering) → Ready', ready);
  assert.ok(ready <= 30_000, `Ready ${ready} ms after sshd answered`);

  const now = await piNode('pi0');
  const facts = (now.status?.facts ?? {}) as { bootId?: string; bootTime?: string; uptimeSeconds?: number };
  const oldFacts = (before.status?.facts ?? {}) as { bootId?: string; bootTime?: string };
  assert.notEqual(facts.bootId, oldFacts.bootId, 'a new boot id');
  assert.ok(
    Date.parse(facts.bootTime ?? '') > Date.parse(oldFacts.bootTime ?? ''),
    `boot time moved on: ${oldFacts.bootTime} → ${facts.bootTime}`,
  );
  assert.ok((facts.uptimeSeconds ?? Infinity) < 120, `uptime counts from this boot: ${facts.uptimeSeconds}`);
  const rebooted = (await env.events()).filter((e) => e.reason === 'Rebooted' && e.regarding?.name === 'pi0');
  assert.equal(rebooted.length, 1, 'one Rebooted Event');
  assert.match(rebooted[0]?.note ?? '', new RegExp(`boot id: ${facts.bootId} \\(up \\d+ s\\)`));
  const metrics = await (await fetch(`http://${env.operator.manager.metricsAddress}/metrics`)).text();
  assert.match(metrics, /^bramble_node_boots_total\{namespace="default",pinode="pi0"\} 1$/m);
});

test('a link cut for 60 s: Reachable/Ready False within 30 s of the cut, Ready within 30 s of the link coming back', async () => {
  await waitFor('pi0 Ready', 60_000, async () => isReady(await piNode('pi0')));
  const cutAt = Date.now();
  await env.fleet.cutLink('pi0');
  const down = await msUntil('pi0', 'Reachable and Ready False', cutAt, isDown);
  report('link cut → Reachable/Ready False', down);
  assert.ok(down <= 30_000, `down noticed after ${down} ms`);
  await new Promise((r) => setTimeout(r, Math.max(0, cutAt + 60_000 - Date.now())));
  await env.fleet.restoreLink('pi0');
  const restoredAt = Date.now();
  const ready = await msUntil('pi0', 'Ready again', restoredAt, isReady);
  report('link restored → Ready', ready);
  assert.ok(ready <= 30_000, `Ready ${ready} ms after the link came back`);
});

/** For each name, when `check` first held (one list per poll, not one kubectl per Pi). */
async function firstTimes(
  names: readonly string[],
  what: string,
  check: (n: ObjectJson) => boolean,
  timeoutMs: number,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  await waitFor(
    `${what} for all of ${names.join(' ')}`,
    timeoutMs,
    async () => {
      for (const n of await env.list('pinodes')) {
        if (names.includes(n.metadata.name) && !seen.has(n.metadata.name) && check(n)) seen.set(n.metadata.name, Date.now());
      }
      return seen.size === names.length;
    },
    1000,
  );
  return seen;
}

test('20 Pis powered off together, then on together: all Ready within 60 s of their sshd answering', async () => {
  const offAt = Date.now();
  const downSeen = firstTimes(herd, 'Reachable and Ready False', isDown, 120_000);
  await Promise.all(herd.map((n) => env.fleet.stop(n)));
  const downMs = [...(await downSeen).values()].map((t) => t - offAt);
  report('20 off → last Reachable/Ready False', Math.max(...downMs));
  const answered = new Map<string, number>();
  const readySeen = firstTimes(herd, 'Ready', isReady, 300_000);
  await Promise.all(
    herd.map(async (n) => {
      await env.fleet.start(n, 240_000);
      answered.set(n, Date.now());
    }),
  );
  const ready = await readySeen;
  const readyMs = herd.map((n) => (ready.get(n) ?? 0) - (answered.get(n) ?? 0));
  report('20 on → slowest Ready after its sshd answered', Math.max(...readyMs));
  report('20 on → median Ready after its sshd answered', [...readyMs].sort((a, b) => a - b)[10] ?? 0);
  report('20 on → first sshd answering to last Ready', Math.max(...ready.values()) - Math.min(...answered.values()));
  assert.ok(Math.max(...downMs) <= 30_000, `down noticed after ${downMs.join(', ')} ms`);
  assert.ok(Math.max(...readyMs) <= 60_000, `Ready after ${readyMs.join(', ')} ms`);
});

test('a reinstalled Pi (new host keys) that reboots is HostKeyMismatch within 30 s and its sshd accepts no login', async () => {
  const since = Math.floor(Date.now() / 1000);
  const changedAt = Date.now();
  await env.fleet.replaceHostKey(reinstalled);
  const mismatchSeen = msUntil(
    reinstalled,
    'HostKeyMismatch',
    changedAt,
    (n) => condition(n, 'Reachable')?.reason === 'HostKeyMismatch' && status(n, 'Ready') === 'False',
  );
  const loginsBeforeReboot = await acceptedLogins(reinstalled, since);
  await env.fleet.reboot(reinstalled);
  const mismatch = await mismatchSeen;
  report('new host keys → HostKeyMismatch', mismatch);
  assert.ok(mismatch <= 30_000, `HostKeyMismatch after ${mismatch} ms`);
  // The journal is in /run and starts again at the reboot: count before and after it.
  await new Promise((r) => setTimeout(r, 10_000));
  const loginsAfterReboot = await acceptedLogins(reinstalled, since);
  assert.equal(loginsBeforeReboot + loginsAfterReboot, 0, 'no login accepted since the host keys changed');
  assert.equal(condition(await piNode(reinstalled), 'Reachable')?.reason, 'HostKeyMismatch');
});
