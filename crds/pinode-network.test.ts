// What kubectl apply says to a PiNode's spec.network: the schema and CEL rules, run by the same
// validator the embedded control plane uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from './admission-for-tests.ts';
import { connectAddressOf } from './pinode-network.ts';

const hostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhMQdMaJ2G7kAcPgtcvMYrZfL+a30s6e2qHiPWia/x4';
const withNetwork = (network: unknown) => ({
  apiVersion: 'bramble.dev/v1alpha1',
  kind: 'PiNode',
  metadata: { name: 'pi0', namespace: 'default' },
  spec: { address: '10.0.0.11', ssh: { privateKeySecretRef: { name: 'k' }, hostKey }, network },
});
const messages = (network: unknown) => admit('PiNode', withNetwork(network)).causes.map((c) => `${c.field ?? ''}: ${c.message}`);

void test('a static network is admitted, with interface eth0 and a 120 s rollback by default', () => {
  const network = {
    mode: 'Static',
    address: '192.168.50.20/24',
    gateway: '192.168.50.1',
    dns: ['192.168.50.1', '1.1.1.1'],
    searchDomains: ['lan'],
    reachAt: '192.168.50.20',
  };
  const { causes, object } = admit('PiNode', withNetwork(network));
  assert.deepEqual(causes, []);
  assert.deepEqual((object.spec as { network: unknown }).network, { interface: 'eth0', rollbackAfterSeconds: 120, ...network });
});

void test('DHCP is the default mode and takes no address', () => {
  assert.deepEqual(messages({}), []);
  assert.match(messages({ address: '10.0.0.5/24' }).join('\n'), /address is required when mode is Static, and only then/);
  assert.match(messages({ mode: 'DHCP', gateway: '10.0.0.1' }).join('\n'), /gateway and dns are set only when mode is Static/);
});

void test('Static without an address is refused', () => {
  assert.match(messages({ mode: 'Static' }).join('\n'), /address is required/);
});

void test('bad addresses, prefixes, interfaces and timers are refused', () => {
  for (const bad of [
    { mode: 'Static', address: '10.0.0.5' },
    { mode: 'Static', address: '10.0.0.256/24' },
    { mode: 'Static', address: '10.0.0.5/33' },
    { mode: 'Static', address: '10.0.0.5/24', gateway: '10.0.0' },
    { mode: 'Static', address: '10.0.0.5/24', dns: ['a;b'] },
    { mode: 'DHCP', interface: 'eth0;reboot' },
    { mode: 'DHCP', interface: '-eth0' },
    { mode: 'DHCP', rollbackAfterSeconds: 5 },
    { mode: 'DHCP', rollbackAfterSeconds: 3601 },
    { mode: 'DHCP', reachAt: '10.0.0.300' },
    { mode: 'DHCP', searchDomains: ['$(reboot)'] },
  ]) {
    assert.notDeepEqual(messages(bad), [], JSON.stringify(bad));
  }
});

void test('bramble connects at the confirmed address only while spec.address is the one it replaced', () => {
  const status = { network: { address: '10.0.1.20', replacedAddress: '10.0.0.20' } };
  assert.equal(connectAddressOf({ address: '10.0.0.20' }, status), '10.0.1.20');
  assert.equal(connectAddressOf({ address: '10.0.0.99' }, status), '10.0.0.99');
  assert.equal(connectAddressOf({ address: '10.0.0.20' }, undefined), '10.0.0.20');
});
