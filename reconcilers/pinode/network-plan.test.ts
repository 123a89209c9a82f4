// planNetwork, pure: what one reconcile does about spec.network for each thing the Pi can report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PiNodeNetwork } from '../../crds/pinode-network.ts';
import { planNetwork, type NetworkPlanInput } from './network-plan.ts';
import { configDigest, networkManagerProfile } from './network-profile.ts';

const network: PiNodeNetwork = {
  interface: 'eth0',
  mode: 'Static',
  address: '10.0.1.20/24',
  reachAt: '10.0.1.20',
  rollbackAfterSeconds: 20,
};
const digest = configDigest(networkManagerProfile(network));
const base: NetworkPlanInput = {
  network,
  managedBy: 'NetworkManager',
  observed: { marker: false },
  status: undefined,
  connectedAt: '10.0.0.20',
  nonce: 'n1',
};

void test('no spec.network: nothing', () => {
  assert.deepEqual(planNetwork({ ...base, network: undefined, observed: undefined }), { kind: 'none' });
});

void test('a Pi whose network is not NetworkManager or dhcpcd is left alone, saying so', () => {
  const action = planNetwork({ ...base, managedBy: 'other' });
  assert.equal(action.kind, 'unmanaged');
});

void test('a new setting is tried, with a token naming its digest; a matching profile is in sync', () => {
  const action = planNetwork(base);
  assert.equal(action.kind, 'try');
  assert.ok(
    action.kind === 'try' && action.change.token === `${digest}-n1` && action.reachAt === '10.0.1.20' && action.staticIp === '10.0.1.20',
  );
  assert.deepEqual(planNetwork({ ...base, observed: { marker: true, networkManagerDigest: digest } }), { kind: 'none' });
});

void test('reachAt left out: bramble confirms where it is connected', () => {
  const action = planNetwork({ ...base, network: { ...network, reachAt: undefined } });
  assert.ok(action.kind === 'try' && action.reachAt === '10.0.0.20');
});

void test("an armed change is confirmed only at its address with its profile in place; otherwise the Pi's timer decides", () => {
  const armed = { marker: true, networkManagerDigest: digest, lastChange: { phase: 'armed' as const, token: `${digest}-x` } };
  assert.deepEqual(planNetwork({ ...base, observed: armed, connectedAt: '10.0.1.20' }), {
    kind: 'confirm',
    token: `${digest}-x`,
    staticIp: '10.0.1.20',
  });
  assert.equal(planNetwork({ ...base, observed: armed }).kind, 'waitArmed');
  assert.equal(
    planNetwork({ ...base, observed: { ...armed, lastChange: { phase: 'armed', token: '0000000000000000-x' } }, connectedAt: '10.0.1.20' })
      .kind,
    'waitArmed',
  );
});

void test('a rollback the Pi reports is reported once, then the same setting is held back until the spec changes (a new generation)', () => {
  const rolledBack = { marker: false, lastChange: { phase: 'rolled-back' as const, token: `${digest}-x` } };
  const first = planNetwork({ ...base, observed: rolledBack });
  assert.equal(first.kind, 'reportRolledBack');
  assert.match(first.kind === 'reportRolledBack' ? first.message : '', /not confirmed at 10\.0\.1\.20 within 20s/);
  const status = {
    lastChange: { outcome: 'RolledBack' as const, token: `${digest}-x`, at: '2026-12-05T21:00:00Z', message: 'm', generation: 4 },
  };
  assert.equal(planNetwork({ ...base, observed: rolledBack, status, generation: 4 }).kind, 'heldBack');
  assert.equal(planNetwork({ ...base, observed: rolledBack, status, generation: 5 }).kind, 'try', 'any edit of the spec tries again');
  const edited = planNetwork({
    ...base,
    network: { ...network, address: '10.0.0.21/24', reachAt: '10.0.0.21' },
    observed: rolledBack,
    status,
  });
  assert.equal(edited.kind, 'try');
});

void test("dhcpcd Pis compare bramble's dhcpcd.conf block", () => {
  const action = planNetwork({ ...base, managedBy: 'dhcpcd', observed: { marker: true, networkManagerDigest: digest } });
  assert.ok(action.kind === 'try' && action.change.managedBy === 'dhcpcd' && action.change.config.startsWith('# bramble begin eth0\n'));
});
