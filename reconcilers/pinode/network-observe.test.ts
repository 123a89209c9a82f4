// Parsing the network sections of an observe: who manages the network, bramble's marker, the
// digests of its profile or dhcpcd block, and the state of the last change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseManagedBy, parseNetwork, managedByProbe } from './network-observe.ts';

void test('the state file, marker and digests are read; anything else is unknown', () => {
  const sections = new Map([
    ['network-managed-by', 'NetworkManager'],
    ['network-state', 'armed 0123456789abcdef-n1'],
    ['network-marker', 'present'],
    ['network-nm-digest', '0123456789abcdef'],
    ['network-dhcpcd-digest', 'not a digest'],
  ]);
  assert.equal(parseManagedBy(sections), 'NetworkManager');
  assert.deepEqual(parseNetwork(sections), {
    marker: true,
    lastChange: { phase: 'armed', token: '0123456789abcdef-n1' },
    networkManagerDigest: '0123456789abcdef',
  });
  assert.deepEqual(parseNetwork(new Map([['network-state', 'exploded 1']])), { marker: false });
  assert.equal(parseManagedBy(new Map([['network-managed-by', 'systemd-networkd']])), undefined);
});

void test('the manager probe runs in a real shell and names one of the three', () => {
  const out = execFileSync('sh', ['-c', managedByProbe[1]]).toString().trim();
  assert.ok(['NetworkManager', 'dhcpcd', 'other'].includes(out), out);
});
