// AddressConflict: a static address another PiNode declares, or reaches its Pi at, is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView } from '../contract.ts';
import type { PiNode } from './pinode-types.ts';
import { addressConflicts } from './network-conflict.ts';

const pi = (name: string, address: string, staticAddress?: string): PiNode => ({
  apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name, namespace: 'farm' },
  spec: {
    address, port: 22, ssh: { user: 'pi', hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'k' } },
    ...(staticAddress ? { network: { interface: 'eth0', mode: 'Static' as const, address: staticAddress, rollbackAfterSeconds: 120 } } : {}),
  },
});
const viewOf = (nodes: PiNode[]): ClusterView => ({
  getSecret: () => undefined,
  get: () => undefined,
  list: <T,>() => nodes as unknown as T[],
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
