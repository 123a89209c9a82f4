import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fleetLayout, maxNodes } from './layout.ts';

void test('a fleet gets a bridge address, and one address, netns and veth per node', () => {
  const layout = fleetLayout('e2e', 3, '10.213.77.0/24');
  assert.equal(layout.bridgeAddress, '10.213.77.1');
  assert.deepEqual(
    layout.nodes.map((n) => n.name),
    ['pi0', 'pi1', 'pi2'],
  );
  assert.deepEqual(
    layout.nodes.map((n) => n.address),
    ['10.213.77.10', '10.213.77.11', '10.213.77.12'],
  );
  assert.equal(new Set(layout.nodes.map((n) => n.netns)).size, 3);
  assert.equal(new Set(layout.nodes.map((n) => n.hostVeth)).size, 3);
});

void test('interface names fit the kernel limit of 15 characters even for the largest fleet', () => {
  const layout = fleetLayout('a-long-fleet-name-here', maxNodes);
  for (const name of [layout.bridge, ...layout.nodes.map((n) => n.hostVeth)]) {
    assert.ok(name.length <= 15, `${name} is too long`);
  }
});

void test('the default subnet is a /24 in 10.213.0.0/16 that depends on the name', () => {
  const a = fleetLayout('alpha', 1);
  const b = fleetLayout('beta', 1);
  assert.match(a.subnet, /^10\.213\.\d+\.0\/24$/);
  assert.notEqual(a.subnet, b.subnet);
  assert.notEqual(a.bridge, b.bridge);
  assert.deepEqual(fleetLayout('alpha', 1), a, 'the layout is a function of the name');
});

void test('bad names, sizes and subnets are refused', () => {
  assert.throws(() => fleetLayout('Bad Name', 1), /fleet name/);
  assert.throws(() => fleetLayout('ok', 0), /1 to/);
  assert.throws(() => fleetLayout('ok', maxNodes + 1), /1 to/);
  assert.throws(() => fleetLayout('ok', 1, '192.168.1.0/24'), /subnet/);
  assert.throws(() => fleetLayout('ok', 1, '10.1.2.0/16'), /subnet/);
  assert.throws(() => fleetLayout('ok', 1, '10.300.2.0/24'), /subnet/);
});
