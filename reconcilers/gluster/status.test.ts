import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../crds/admission-for-tests.ts';
import { healthOf, statusWith } from './status.ts';
import { convergedHosts, desired, volumeObject } from './test-fixtures.test-support.ts';

void test('a healthy volume: every brick online, no heal, mounted everywhere, no problems', () => {
  const d = desired();
  const h = healthOf(d, convergedHosts(d), 'pi0', []);
  assert.deepEqual(h.problems, []);
  assert.equal(h.fields.bricksOnline, 3);
  assert.equal(h.fields.bricksTotal, 3);
  assert.equal(h.fields.peersConnected, 3);
  assert.deepEqual(h.fields.mountedNodes, ['pi0', 'pi1', 'pi2']);
  const status = statusWith(
    { previous: undefined, now: new Date('2026-01-01T00:00:00Z'), generation: 2 },
    { ready: ['True', 'VolumeHealthy', 'ok'] },
    h.fields,
  );
  // The CRD's own validation (what the control plane runs on the /status write).
  assert.deepEqual(admit('GlusterVolume', { ...volumeObject(), status }).causes, []);
});

void test('an offline brick and pending heal entries are named, and an unreachable node too', () => {
  const d = desired();
  const hosts = convergedHosts(d);
  const vol = hosts.get('pi0')?.volume;
  if (vol) {
    vol.processes = vol.processes.map((p) => (p.host === '10.0.0.12' ? { ...p, online: false } : p));
    vol.heal = { pendingEntries: 6, splitBrainEntries: 0, unreachableBricks: ['10.0.0.12:/srv/gluster/shared'] };
  }
  hosts.delete('pi2');
  const h = healthOf(d, hosts, 'pi0', ['pi2: Unreachable: connect ECONNREFUSED']);
  assert.deepEqual(h.problems, [
    'brick pi2:/srv/gluster/shared is offline',
    '6 entries pending heal',
    'unreachable: pi2: Unreachable: connect ECONNREFUSED',
  ]);
  assert.equal(h.fields.bricksOnline, 2);
  assert.equal(h.fields.healPendingEntries, 6);
  assert.deepEqual(
    h.fields.bricks?.find((b) => b.node === 'pi2'),
    { node: 'pi2', path: '/srv/gluster/shared', online: false },
  );
});

void test('a volume that does not exist yet is not Ready and says so', () => {
  const d = desired();
  const hosts = convergedHosts(d);
  const p = hosts.get('pi0');
  if (p) p.volume = { processes: [] };
  assert.deepEqual(healthOf(d, hosts, 'pi0', []).problems, ['volume shared does not exist yet']);
});
