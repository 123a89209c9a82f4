import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../../crds/admission-for-tests.ts';
import { editRefusal, ownMountsOf, recordOf } from './record.ts';
import { convergedHosts, desired, sharedVolumeId, volumeInfo, volumeObject } from './test-fixtures.test-support.ts';

const d = desired();
const nodeOfHost = new Map(d.bricks.map((b) => [b.address, b.node] as const));

void test('the record: volume ID and each brick as Gluster lists it, with its PiNode, plus the own mounts seen', () => {
  const record = recordOf({ previous: undefined, info: volumeInfo(d), nodeOfHost, mounts: ownMountsOf(d, convergedHosts(d)) });
  assert.deepEqual(record, {
    volumeName: 'shared',
    volumeId: sharedVolumeId,
    bricks: [
      { node: 'pi0', host: '10.0.0.10', path: '/srv/gluster/shared' },
      { node: 'pi1', host: '10.0.0.11', path: '/srv/gluster/shared' },
      { node: 'pi2', host: '10.0.0.12', path: '/srv/gluster/shared' },
    ],
    mounts: [
      { node: 'pi0', path: '/mnt/shared' },
      { node: 'pi1', path: '/mnt/shared' },
      { node: 'pi2', path: '/mnt/shared' },
    ],
  });
  // The CRD's own validation, as the /status write runs it.
  assert.deepEqual(admit('GlusterVolume', { ...volumeObject(), status: { owned: record } }).causes, []);
});

void test("the record keeps mounts recorded earlier (a node that left the selector, an old mount path) and a brick's node when its PiNode is gone", () => {
  const previous = {
    volumeName: 'shared',
    volumeId: sharedVolumeId,
    bricks: [{ node: 'pi0', host: '10.0.0.10', path: '/srv/gluster/shared' }],
    mounts: [{ node: 'pi9', path: '/mnt/old' }],
  };
  const record = recordOf({
    previous,
    info: volumeInfo(d),
    nodeOfHost: new Map([['10.0.0.11', 'pi1']]),
    mounts: [{ node: 'pi1', path: '/mnt/shared' }],
  });
  assert.deepEqual(
    record.bricks.map((b) => b.node ?? `(${b.host})`),
    ['pi0', 'pi1', '(10.0.0.12)'],
  );
  assert.deepEqual(record.mounts, [
    { node: 'pi1', path: '/mnt/shared' },
    { node: 'pi9', path: '/mnt/old' },
  ]);
  const another = recordOf({ previous, info: volumeInfo(d, { id: '11111111-2222-4333-8444-555555555555' }), nodeOfHost, mounts: [] });
  assert.equal(another.mounts, undefined, 'what was recorded for another volume ID is not carried over');
});

void test('a foreign fstab line at the mount point is not recorded as an own mount', () => {
  const hosts = convergedHosts(d);
  const pi1 = hosts.get('pi1')?.mounts.get('/mnt/shared');
  if (pi1) {
    pi1.fstab = ['UUID=0b3e /mnt/shared ext4 defaults 0 2'];
    delete pi1.mounted;
  }
  assert.deepEqual(
    ownMountsOf(d, hosts).map((m) => m.node),
    ['pi0', 'pi2'],
  );
});

void test('edits that would orphan recorded data are refused: another volume name, another brick path', () => {
  const record = recordOf({ previous: undefined, info: volumeInfo(d), nodeOfHost, mounts: [] });
  assert.equal(editRefusal(record, d), undefined);
  assert.equal(editRefusal(undefined, desired({ volumeName: 'renamed' })), undefined, 'nothing recorded, nothing to orphan');
  const renamed = editRefusal(record, desired({ volumeName: 'renamed' }));
  assert.equal(renamed?.reason, 'VolumeNameChangeRefused');
  assert.match(renamed?.message ?? '', /created Gluster volume shared; spec now names renamed/);
  const moved = editRefusal(
    record,
    desired({ bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/data/usb', allowRootFilesystem: false } }),
  );
  assert.equal(moved?.reason, 'BrickPathChangeRefused');
  assert.equal(moved?.stalled, true);
  assert.match(
    moved?.message ?? '',
    /bricks of volume shared are in \/srv\/gluster\/shared \(pi0, pi1, pi2\); spec\.bricks\.path now means \/data\/usb\/shared/,
  );
});
