// AddressConflict: a static address another PiNode declares, or reaches its Pi at, is refused
// before anything is sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView } from '../contract.ts';
import type { PiNode } from './pinode-types.ts';
import { addressConflicts } from './network-conflict.ts';
import { piNodeReconciler } from './reconciler.ts';
import { condition, context, FakePi, freshPi, node, t0 } from './fake-pi.test-support.ts';

const pi = (name: string, address: string, staticAddress?: string): PiNode => ({
  apiVersion: 'bramble.dev/v1alpha1',
  kind: 'PiNode',
  metadata: { name, namespace: 'farm' },
  spec: {
    address,
    port: 22,
    ssh: { user: 'pi', hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'k' } },
    ...(staticAddress
      ? { network: { interface: 'eth0', mode: 'Static' as const, address: staticAddress, rollbackAfterSeconds: 120 } }
      : {}),
  },
});
const viewOf = (nodes: PiNode[]): ClusterView => ({
  getSecret: () => undefined,
  get: () => undefined,
  list: <T>() => nodes as unknown as T[],
});

void test('two PiNodes declaring one static address are refused', () => {
  const a = pi('a', '10.0.0.20', '10.0.1.20/24');
  const b = pi('b', '10.0.0.21', '10.0.1.20/24');
  assert.deepEqual(addressConflicts(a, viewOf([a, b])), ['static address 10.0.1.20 is also declared by PiNode b']);
});

void test('a static address another Pi is reached at is refused; distinct addresses pass', () => {
  const a = pi('a', '10.0.0.20', '10.0.0.21/24');
  const b = pi('b', '10.0.0.21');
  assert.deepEqual(addressConflicts(a, viewOf([a, b])), ['static address 10.0.0.21 is where PiNode b is reached']);
  const c = pi('c', '10.0.0.22', '10.0.1.22/24');
  assert.deepEqual(addressConflicts(c, viewOf([a, b, c])), []);
  assert.deepEqual(addressConflicts(b, viewOf([a, b, c])), [], 'no static address: nothing to conflict');
});

void test('the reconciler refuses an AddressConflict with a condition and a Warning, and sends nothing', async () => {
  const network = { interface: 'eth0', mode: 'Static' as const, address: '10.0.1.20/24', rollbackAfterSeconds: 120 };
  const mine = node({ network });
  const theirs = pi('other', '10.0.0.30', '10.0.1.20/24');
  const pi1 = new FakePi(freshPi());
  const ctx = context(pi1.executor, t0);
  const result = await piNodeReconciler.reconcile(mine, {
    ...ctx,
    view: { ...ctx.view, list: <T>() => [mine, { ...theirs, metadata: { ...theirs.metadata, namespace: 'default' } }] as unknown as T[] },
  });
  assert.equal(pi1.calls.length, 0, 'nothing sent');
  assert.equal(condition(result.status, 'Configured')?.reason, 'AddressConflict');
  assert.equal(condition(result.status, 'Stalled')?.status, 'True');
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason, e.message]),
    [['Warning', 'AddressConflict', 'static address 10.0.1.20 is also declared by PiNode other']],
  );
});
