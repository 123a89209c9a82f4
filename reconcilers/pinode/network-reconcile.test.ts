// The network part of a reconcile and the status it leaves: a confirmed move records the new
// address (which bramble then connects to), a rollback the Pi reports (say, after the operator was
// killed between switch and confirm) is NetworkRolledBack with a Warning, once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { connectAddressOf } from '../../crds/pinode-network.ts';
import { findCondition } from '../../crds/conditions.ts';
import type { PiNode, PiNodeStatus } from './pinode-types.ts';
import type { Observed } from './observe.ts';
import { reconcileNetwork, withNetworkResult } from './network-reconcile.ts';
import { configDigest, networkManagerProfile } from './network-profile.ts';

const now = new Date('2026-12-05T21:00:00Z');
const network = { interface: 'eth0', mode: 'Static' as const, address: '10.0.1.20/24', reachAt: '10.0.1.20', rollbackAfterSeconds: 20 };
const digest = configDigest(networkManagerProfile(network));
const node: PiNode = {
  apiVersion: 'bramble.dev/v1alpha1',
  kind: 'PiNode',
  metadata: { name: 'pi1', namespace: 'farm', generation: 2 },
  spec: {
    address: '10.0.0.20',
    port: 22,
    ssh: { user: 'pi', hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'k' } },
    network,
  },
};
const target = (host: string): SshTarget => ({ host, port: 22, user: 'pi', privateKey: 'KEY', hostKey: { policy: 'TrustOnFirstUse' } });
const observedWith = (lastChange?: { phase: 'armed' | 'confirmed' | 'rolled-back'; token: string }): Observed => ({
  facts: { networkManagedBy: 'NetworkManager' },
  state: { loopbackNames: [], users: new Map(), existingGroups: new Set(), installedPackages: new Set() },
  network: { marker: true, networkManagerDigest: digest, ...(lastChange ? { lastChange } : {}) },
});
const ready: PiNodeStatus = {
  conditions: [{ type: 'Ready', status: 'True', reason: 'Ready', message: 'ok', lastTransitionTime: '2026-12-05T20:00:00Z' }],
};

void test('a new leader finds the Pi rolled back by itself: NetworkRolledBack, a Warning, not Ready; said once', async () => {
  const executor = new RecordingExecutor();
  const token = `${digest}-killed`;
  const observed: Observed = {
    ...observedWith({ phase: 'rolled-back', token }),
    network: { marker: false, lastChange: { phase: 'rolled-back', token } },
  };
  const result = await reconcileNetwork(node, observed, { executor, target: target('10.0.0.20'), now, nonce: 'n' });
  assert.equal(executor.calls.length, 0, 'reporting sends nothing');
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'NetworkRolledBack']],
  );
  const status = withNetworkResult(ready, result, now, 2);
  for (const [type, s] of [
    ['NetworkRolledBack', 'True'],
    ['Ready', 'False'],
    ['Stalled', 'True'],
  ] as const) {
    assert.equal(findCondition(status.conditions, type)?.status, s, type);
  }
  assert.equal(status.network?.lastChange?.token, token);
  assert.equal(connectAddressOf(node.spec, status), '10.0.0.20', 'still reached at the old address');

  const again = await reconcileNetwork({ ...node, status }, observed, { executor, target: target('10.0.0.20'), now, nonce: 'n' });
  assert.deepEqual(again.events, [], 'reported once');
  assert.equal(again.notReady?.reason, 'NetworkRolledBack', 'the same settings are not tried again');
  assert.equal(executor.calls.length, 0);
});

void test('a change armed earlier is confirmed when bramble reaches the Pi at reachAt; bramble connects there from then on', async () => {
  const token = `${digest}-earlier`;
  const executor = new RecordingExecutor().on('sh -s', (_c, to, options) => {
    assert.equal(to.host, '10.0.1.20');
    assert.match(String(options.stdin), /inet 10\.0\.1\.20\//);
    return { stdout: 'confirmed\n' };
  });
  const nodeHere = { ...node, spec: { ...node.spec } };
  const result = await reconcileNetwork(nodeHere, observedWith({ phase: 'armed', token }), {
    executor,
    target: target('10.0.1.20'),
    now,
    nonce: 'n',
  });
  assert.deepEqual(
    result.events.map((e) => e.reason),
    ['NetworkConfirmed'],
  );
  const status = withNetworkResult(ready, result, now, 2);
  assert.equal(findCondition(status.conditions, 'NetworkRolledBack')?.status, 'False');
  assert.equal(findCondition(status.conditions, 'Ready')?.status, 'True');
  assert.equal(connectAddressOf(node.spec, status), '10.0.1.20');
});

void test("armed and bramble still at the old address: wait for the Pi's timer, nothing sent", async () => {
  const executor = new RecordingExecutor();
  const result = await reconcileNetwork(node, observedWith({ phase: 'armed', token: `${digest}-x` }), {
    executor,
    target: target('10.0.0.20'),
    now,
    nonce: 'n',
  });
  assert.equal(result.notReady?.reason, 'NetworkChangePending');
  assert.equal(result.requeueAfterMs, 5_000);
  assert.equal(executor.calls.length, 0);
});
