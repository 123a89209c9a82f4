import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredVolume, fstabLineOf } from './layout.ts';
import { nodes, piNode, volumeObject } from './test-fixtures.test-support.ts';
import type { GlusterVolumeSpec } from './types.ts';

void test('bricks in the given order, each in its own directory named after the volume', () => {
  const out = desiredVolume({
    obj: volumeObject({ volumeName: 'data' }),
    brickNodes: nodes.slice(0, 3),
    missingNodes: [],
    mountNodes: nodes.slice(0, 2),
  });
  assert.ok(out.ok);
  assert.deepEqual(
    out.volume.bricks.map((b) => `${b.node} ${b.address}:${b.dir}`),
    ['pi0 10.0.0.10:/srv/gluster/data', 'pi1 10.0.0.11:/srv/gluster/data', 'pi2 10.0.0.12:/srv/gluster/data'],
  );
  assert.equal(
    out.volume.fstabLine,
    '10.0.0.10:/data /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.0.0.11:10.0.0.12 0 0',
  );
});

void test('a selector that picks a number of nodes that is not a multiple of the replica count is Stalled', () => {
  const out = desiredVolume({ obj: volumeObject(), brickNodes: nodes.slice(0, 4), missingNodes: [], mountNodes: [] });
  assert.ok(!out.ok);
  assert.equal(out.reason, 'BrickCountInvalid');
  assert.equal(out.stalled, true);
  assert.match(out.message, /multiples of 3; 4 PiNode/);
});

void test('missing PiNodes are waited for, not Stalled', () => {
  const out = desiredVolume({ obj: volumeObject(), brickNodes: nodes.slice(0, 2), missingNodes: ['pi9'], mountNodes: [] });
  assert.ok(!out.ok);
  assert.equal(out.reason, 'NodesNotFound');
  assert.equal(out.stalled, false);
});

void test('a single brick host has no backup volfile servers', () => {
  assert.equal(
    fstabLineOf('v', [{ node: 'pi0', address: '10.0.0.10', dir: '/b/v' }], '/mnt/v'),
    '10.0.0.10:/v /mnt/v glusterfs defaults,_netdev 0 0',
  );
});

void test('issue 16: brick PiNodes with IPv6 addresses are refused with the reason, before any SSH', () => {
  const v6 = [piNode('pi0', 'fd00::10'), piNode('pi1', '10.0.0.11'), piNode('pi2', 'fd00::12')];
  const out = desiredVolume({ obj: volumeObject(), brickNodes: v6, missingNodes: [], mountNodes: nodes.slice(0, 3) });
  assert.ok(!out.ok);
  assert.equal(out.reason, 'IPv6NotSupported');
  assert.equal(out.stalled, true);
  assert.match(out.message, /pi0 \(fd00::10\), pi2 \(fd00::12\)/);
  assert.match(out.message, /transport\.address-family inet6/);
  // A mount host's address is only where bramble logs in: the fstab line names brick hosts.
  const mountOnV6 = desiredVolume({
    obj: volumeObject(),
    brickNodes: nodes.slice(0, 3),
    missingNodes: [],
    mountNodes: [piNode('pi9', 'fd00::19')],
  });
  assert.ok(mountOnV6.ok);
  assert.equal(
    mountOnV6.volume.fstabLine,
    '10.0.0.10:/shared /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.0.0.11:10.0.0.12 0 0',
  );
});

void test('system paths in a hand-made object (not through kubectl apply) are refused by the same rule as the schema', () => {
  const cases: [Partial<GlusterVolumeSpec>, string][] = [
    [{ bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/var/lib', allowRootFilesystem: false } }, 'spec.bricks.path /var/lib'],
    [{ mount: { nodeSelector: {}, path: '/srv' } }, 'spec.mount.path /srv'],
  ];
  for (const [spec, field] of cases) {
    const out = desiredVolume({ obj: volumeObject(spec), brickNodes: nodes.slice(0, 3), missingNodes: [], mountNodes: [] });
    assert.ok(!out.ok);
    assert.equal(out.reason, 'SystemPath');
    assert.match(out.message, new RegExp(`^${field} is a system path`));
  }
});
