// What bramble writes for spec.network, and that the digest it compares is the one sha256sum
// prints on a Pi (the observe computes it there).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { configDigest, dhcpcdBlock, networkManagerProfile } from './network-profile.ts';

const staticNet = {
  interface: 'eth0',
  mode: 'Static' as const,
  address: '192.168.50.20/24',
  gateway: '192.168.50.1',
  dns: ['192.168.50.1', '1.1.1.1'],
  searchDomains: ['lan'],
  rollbackAfterSeconds: 120,
};

void test("a static NetworkManager profile: bramble's own name, manual address with gateway, dns, search, no IPv6", () => {
  const profile = networkManagerProfile(staticNet);
  for (const line of [
    'id=bramble-eth0',
    'interface-name=eth0',
    'autoconnect-priority=100',
    'method=manual',
    'address1=192.168.50.20/24,192.168.50.1',
    'dns=192.168.50.1;1.1.1.1;',
    'dns-search=lan;',
  ]) {
    assert.ok(profile.split('\n').includes(line), line);
  }
  assert.match(profile, /\[ipv6\]\nmethod=ignore\n/);
  assert.match(profile, /^uuid=[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/m);
  assert.equal(networkManagerProfile(staticNet), profile, 'the same spec gives the same bytes');
});

void test('DHCP: method auto and no address', () => {
  const profile = networkManagerProfile({ interface: 'end0', mode: 'DHCP', rollbackAfterSeconds: 120 });
  assert.match(profile, /\[ipv4\]\nmethod=auto\n/);
  assert.doesNotMatch(profile, /address1/);
});

void test("the dhcpcd block sits between bramble's markers", () => {
  assert.equal(
    dhcpcdBlock(staticNet),
    [
      '# bramble begin eth0',
      'interface eth0',
      'static ip_address=192.168.50.20/24',
      'static routers=192.168.50.1',
      'static domain_name_servers=192.168.50.1 1.1.1.1',
      'static domain_search=lan',
      '# bramble end eth0',
      '',
    ].join('\n'),
  );
});

void test('configDigest is what sha256sum | cut -c1-16 prints', () => {
  const text = networkManagerProfile(staticNet);
  assert.equal(execFileSync('sh', ['-c', 'sha256sum | cut -c1-16'], { input: text }).toString().trim(), configDigest(text));
});
