// plan is pure: (spec, observed state) → steps. State comes from the recorded Pi 3B+ output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { shellQuote } from '../../ssh/quote.ts';
import { parseObserved } from './observe.ts';
import { planPiNode } from './plan.ts';
import type { PiNodeSpec } from './pinode-types.ts';
import type { ObservedState } from './parse-state.ts';
import { shellSkeleton } from './shell-skeleton.test-support.ts';

const blob = readFileSync(new URL('./fixtures/pi3bplus.observe.txt', import.meta.url), 'utf8');
const state: ObservedState = parseObserved(blob, 'fixture', { users: ['pi', 'alice'], groups: [], packages: [] }).state;
const piKeys = [
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq0c8mQ2yVw9wQ5m0Jr3vB2s1x9f7Lk4TqzZcR8pN1e admin@laptop',
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7 old@desktop',
];
const aliceKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBobAliceKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA alice@home';

function spec(extra: Partial<PiNodeSpec>): PiNodeSpec {
  return {
    address: '10.0.0.11',
    port: 22,
    ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-key' }, hostKeyPolicy: 'TrustOnFirstUse' },
    ...extra,
  };
}

void test('a fresh Pi gets every declared change, in a fixed order, described for humans', () => {
  const steps = planPiNode(
    spec({
      hostname: 'pi1',
      timezone: 'Europe/Berlin',
      packages: ['git', 'htop'],
      users: [{ name: 'alice', groups: ['gpio', 'video'], authorizedKeys: [aliceKey] }],
    }),
    state,
  );
  assert.deepEqual(
    steps.map((s) => [s.name, s.description]),
    [
      ['hostname', 'hostname was raspberrypi, set to pi1'],
      ['etc-hosts', '/etc/hosts mapped 127.0.1.1 to raspberrypi, set to pi1'],
      ['timezone', 'timezone was Europe/London, set to Europe/Berlin'],
      ['packages', 'install missing packages: htop'],
      ['user:alice', 'create user alice (groups gpio, video)'],
      ['authorized-keys:alice', 'write authorized keys of alice (1 key)'],
    ],
  );
  assert.ok(steps.every((s) => s.mutating && s.timeoutMs > 0));
  const pkg = steps.find((s) => s.name === 'packages');
  assert.match(pkg?.command ?? '', /DEBIAN_FRONTEND=noninteractive/);
  assert.match(pkg?.command ?? '', /apt-get install -y -q --no-install-recommends/);
  assert.doesNotMatch(pkg?.command ?? '', /upgrade/);
  assert.ok(pkg?.command.includes(`for p in 'htop'; do`), 'only the missing package is installed');
});

void test('a Pi that already matches its spec needs no steps', () => {
  const steps = planPiNode(
    spec({
      hostname: 'raspberrypi',
      timezone: 'Europe/London',
      packages: ['git'],
      users: [{ name: 'pi', groups: ['gpio', 'sudo'], shell: '/bin/bash', authorizedKeys: piKeys }],
    }),
    state,
  );
  assert.deepEqual(steps, []);
});

void test('an unspecified field is never touched', () => {
  assert.deepEqual(planPiNode(spec({}), state), []);
  assert.deepEqual(planPiNode(spec({ users: [{ name: 'pi' }] }), state), [], 'keys of pi are not managed when not listed');
});

void test('a key removed from the spec is revoked; wrong permissions alone are fixed', () => {
  const revoke = planPiNode(spec({ users: [{ name: 'pi', authorizedKeys: [piKeys[0] as string] }] }), state);
  assert.deepEqual(
    revoke.map((s) => [s.name, s.description]),
    [['authorized-keys:pi', 'authorized keys of pi: 0 added, 1 removed']],
  );

  const loose: ObservedState = {
    ...state,
    users: new Map([['pi', { ...state.users.get('pi')!, keysFile: { type: 'regular file', mode: '644', owner: 'pi' } }]]),
  };
  const fix = planPiNode(spec({ users: [{ name: 'pi', authorizedKeys: piKeys }] }), loose);
  assert.deepEqual(
    fix.map((s) => s.description),
    ['fix ownership and permissions of ~pi/.ssh and its authorized_keys (0700/0600)'],
  );
});

void test('an existing user gets only the missing groups (created when absent) and a changed shell', () => {
  const steps = planPiNode(spec({ users: [{ name: 'pi', groups: ['gpio', 'docker'], shell: '/bin/zsh' }] }), state);
  assert.deepEqual(
    steps.map((s) => [s.name, s.description]),
    [['user:pi', 'create group docker; add pi to groups docker; shell of pi was /bin/bash, set to /bin/zsh']],
  );
});

void test('every generated command is valid POSIX sh (parsed by the real sh)', () => {
  const steps = planPiNode(
    spec({
      hostname: 'pi1',
      timezone: 'America/Argentina/Buenos_Aires',
      packages: ['htop', 'g++'],
      users: [{ name: 'alice', groups: ['gpio'], shell: '/bin/bash', authorizedKeys: [aliceKey, "ssh-ed25519 AAAA x'y"] }],
    }),
    state,
  );
  for (const step of steps) {
    const check = spawnSync('sh', ['-n', '-c', step.command], { encoding: 'utf8' });
    assert.equal(check.status, 0, `${step.name}: ${check.stderr}`);
  }
});

void test('a hostile-looking key comment only ever appears inside single quotes', () => {
  const hostile = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostile $(reboot) `reboot`; reboot # "quoted" \'x\'';
  const [step] = planPiNode(spec({ users: [{ name: 'pi', authorizedKeys: [hostile] }] }), state);
  assert.ok(step);
  assert.ok(step.command.includes(shellQuote(hostile)));
  assert.doesNotMatch(shellSkeleton(step.command), /reboot/);
});

void test('the code of every step is the same whatever the values are (values stay quoted)', () => {
  // Keys are trimmed before writing, so values with edge blanks legitimately change the plan.
  const value = fc
    .string({ minLength: 1, maxLength: 40, unit: 'binary' })
    .filter((s) => !s.includes('\0') && !/[\r\n]/.test(s) && s.trim() === s);
  const skeletons = (v: string) =>
    planPiNode(
      spec({ hostname: v, timezone: v, packages: [v], users: [{ name: v, groups: [v], shell: v, authorizedKeys: [v] }] }),
      state,
    ).map((s) => shellSkeleton(s.command));
  const reference = skeletons('zz-benign');
  fc.assert(fc.property(value, (v) => assert.deepEqual(skeletons(v), reference)));
});
