import { test } from 'node:test';
import assert from 'node:assert/strict';
import { specProblems } from './validate-spec.ts';
import type { PiNodeSpec } from './pinode-types.ts';

const base: PiNodeSpec = {
  address: '10.0.0.11',
  port: 22,
  ssh: { user: 'pi', privateKeySecretRef: { name: 'k' }, hostKeyPolicy: 'TrustOnFirstUse' },
};

void test('a sensible spec has no problems', () => {
  assert.deepEqual(
    specProblems({
      ...base,
      hostname: 'pi-01',
      timezone: 'America/Argentina/Buenos_Aires',
      packages: ['g++', 'python3.11', 'libc6'],
      users: [{ name: 'alice', groups: ['gpio', 'sudo'], shell: '/bin/bash', authorizedKeys: ['ssh-ed25519 AAAAC3 alice@laptop'] }],
    }),
    [],
  );
});

void test('values the schema would reject are refused here too, each named', () => {
  const problems = specProblems({
    ...base,
    hostname: 'pi;reboot',
    timezone: '../../etc/passwd',
    packages: ['-oAPT::Update::Pre-Invoke::=reboot'],
    users: [
      { name: 'Root$', groups: ['a b'], shell: '/bin/../bin/sh', authorizedKeys: ['ssh-ed25519 AAAA x\nssh-rsa AAAA injected'] },
      { name: 'bob' },
      { name: 'bob' },
    ],
  });
  assert.equal(problems.length, 8, problems.join('\n'));
  for (const word of ['hostname', 'timezone', 'package', 'user "Root$"', 'group "a b"', 'shell', 'spans several lines', 'listed twice']) {
    assert.ok(
      problems.some((p) => p.includes(word)),
      `no problem mentions ${word}`,
    );
  }
});
