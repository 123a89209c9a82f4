import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeClock } from './fake-clock.ts';
import type { KubeObject } from './kube-object.ts';
import { LivenessMonitor, type ProbeOutcome } from './liveness.ts';

function piNode(name: string, address: string, reachable?: { status: string; reason: string }, port?: number): KubeObject {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name, namespace: 'default' },
    spec: { address, ...(port ? { port } : {}) },
    status: reachable ? { conditions: [{ type: 'Reachable', ...reachable }] } : {},
  } as KubeObject;
}

const down = { status: 'False', reason: 'Unreachable' };

interface Harness {
  clock: FakeClock;
  monitor: LivenessMonitor;
  nodes: KubeObject[];
  requeued: string[];
  probed: { host: string; at: number }[];
  answered: string[];
  silent: string[];
  /** Hosts whose sshd answers a probe. */
  up: Set<string>;
  /** Pending probes to settle by hand when set. */
  hold?: (() => void)[];
}

function harness(nodes: KubeObject[], options: { concurrency?: number; random?: () => number; hold?: boolean } = {}): Harness {
  const clock = new FakeClock(0);
  const h: Harness = {
    clock,
    nodes,
    requeued: [],
    probed: [],
    answered: [],
    silent: [],
    up: new Set(),
    monitor: undefined as unknown as LivenessMonitor,
  };
  if (options.hold) h.hold = [];
  h.monitor = new LivenessMonitor({
    nodes: () => h.nodes,
    requeueNode: (ns, name) => h.requeued.push(`${ns}/${name}`),
    probe: (host): Promise<ProbeOutcome> => {
      h.probed.push({ host, at: clock.now() });
      const outcome: ProbeOutcome = h.up.has(host) ? { up: true } : { up: false, detail: `no SSH banner from ${host}` };
      if (!h.hold) return Promise.resolve(outcome);
      return new Promise((resolve) => h.hold?.push(() => resolve(outcome)));
    },
    answered: (host, port) => h.answered.push(`${host}:${port}`),
    silent: (host, port, detail, forMs) => h.silent.push(`${host}:${port} ${detail} for ${forMs} ms`),
    clock,
    random: options.random ?? (() => 0.5),
    concurrency: options.concurrency,
  });
  h.monitor.start();
  return h;
}

void test('a lost connection is probed once, then every PiNode at that address and port is requeued, and nothing else', async () => {
  const h = harness([piNode('a', '10.0.0.1'), piNode('b', '10.0.0.2'), piNode('c', '10.0.0.1', undefined, 2222)]);
  await h.monitor.connectionLost('10.0.0.1', 22);
  assert.deepEqual(
    h.probed.map((p) => p.host),
    ['10.0.0.1'],
  );
  assert.deepEqual(h.requeued, ['default/a']);
  h.up.add('10.0.0.1');
  await h.monitor.connectionLost('10.0.0.1', 2222);
  assert.deepEqual(h.requeued, ['default/a', 'default/c']);
  h.monitor.stop();
});

void test('a lost connection whose Pi does not answer the probe marks the host silent until the next probes are due; one that answers does not', async () => {
  const h = harness([piNode('gone', '10.0.0.1'), piNode('restarted', '10.0.0.2')]);
  h.up.add('10.0.0.2');
  await h.monitor.connectionLost('10.0.0.1', 22);
  await h.monitor.connectionLost('10.0.0.2', 22);
  // 22 s (the longest probe interval) and one pass of the schedule.
  assert.deepEqual(h.silent, ['10.0.0.1:22 no SSH banner from 10.0.0.1 for 23000 ms']);
  assert.deepEqual(h.requeued, ['default/gone', 'default/restarted']);
  h.monitor.stop();
});

void test('a Pi that does not answer is probed every 15–22 s; when sshd answers its backoff is dropped and it is requeued', async () => {
  const h = harness([piNode('a', '10.0.0.1', down), piNode('ok', '10.0.0.2', { status: 'True', reason: 'Connected' })]);
  await h.clock.advance(60_000);
  // Seen down at the first tick (1 s), then every 18.5 s (random() = 0.5), at the next pass.
  assert.deepEqual(
    h.probed.map((p) => p.at),
    [20_000, 39_000, 58_000],
  );
  assert.ok(
    h.probed.every((p) => p.host === '10.0.0.1'),
    'a Pi that answers is never probed',
  );
  assert.deepEqual(h.requeued, []);
  h.up.add('10.0.0.1');
  await h.clock.advance(20_000);
  assert.deepEqual(h.answered, ['10.0.0.1:22']);
  assert.deepEqual(h.requeued, ['default/a']);
  // The reconcile found it Reachable: no more probes.
  h.nodes[0] = piNode('a', '10.0.0.1', { status: 'True', reason: 'Connected' });
  const probes = h.probed.length;
  await h.clock.advance(60_000);
  assert.equal(h.probed.length, probes);
  h.monitor.stop();
});

void test('only reasons meaning "nothing answers" are probed; a wrong host key, a refused login or a slow command is left to the reconciler', async () => {
  const h = harness([
    piNode('lost', '10.0.0.1', { status: 'False', reason: 'ConnectionLost' }),
    piNode('gone', '10.0.0.5', { status: 'False', reason: 'Unreachable' }),
    piNode('slow', '10.0.0.2', { status: 'False', reason: 'Timeout' }),
    piNode('key', '10.0.0.3', { status: 'False', reason: 'HostKeyMismatch' }),
    piNode('auth', '10.0.0.4', { status: 'False', reason: 'AuthenticationFailed' }),
  ]);
  await h.clock.advance(30_000);
  assert.deepEqual(h.probed.map((p) => p.host).sort(), ['10.0.0.1', '10.0.0.5']);
  h.monitor.stop();
});

void test('100 Pis that drop together are probed spread over the jitter window, never more than the cap at once', async () => {
  const nodes = Array.from({ length: 100 }, (_, i) => piNode(`pi${i}`, `10.0.1.${i}`, down));
  let seed = 1;
  const random = (): number => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const h = harness(nodes, { concurrency: 10, hold: true, random });
  await h.clock.advance(30_000);
  // Every probe is held: the cap stops the 11th.
  assert.equal(h.probed.length, 10);
  for (const settle of h.hold?.splice(0) ?? []) settle();
  h.hold = undefined;
  await h.clock.advance(30_000);
  const firstRound = new Map<string, number>();
  for (const p of h.probed) if (!firstRound.has(p.host)) firstRound.set(p.host, p.at);
  assert.equal(firstRound.size, 100, 'every Pi is probed within one interval');
  const perSecond = new Map<number, number>();
  for (const at of firstRound.values()) perSecond.set(Math.floor(at / 1000), (perSecond.get(Math.floor(at / 1000)) ?? 0) + 1);
  assert.ok(Math.max(...perSecond.values()) <= 15, `at most 15 probes in one second, got ${Math.max(...perSecond.values())}`);
  h.monitor.stop();
});

void test('a PiNode a confirmed network change moved is probed and requeued at its new address, not spec.address', async () => {
  const moved = {
    ...piNode('moved', '10.0.0.5', down),
    status: { network: { address: '10.0.1.5', replacedAddress: '10.0.0.5' } },
  } as KubeObject;
  const h = harness([moved]);
  await h.monitor.connectionLost('10.0.1.5', 22);
  assert.deepEqual(
    h.probed.map((p) => p.host),
    ['10.0.1.5'],
  );
  assert.deepEqual(h.requeued, ['default/moved']);
  h.requeued.length = 0;
  await h.monitor.connectionLost('10.0.0.5', 22);
  assert.deepEqual(h.requeued, [], "the old address is no longer this PiNode's");
});
