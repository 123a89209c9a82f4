import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planDelete, type DeleteInput } from './delete-plan.ts';
import { recordOf, ownMountsOf } from './record.ts';
import { convergedHosts, desired, owner, sharedVolumeId, volumeInfo } from './test-fixtures.test-support.ts';

const d = desired();
const record = recordOf({
  previous: undefined,
  info: volumeInfo(d),
  nodeOfHost: new Map(d.bricks.map((b) => [b.address, b.node] as const)),
  mounts: ownMountsOf(d, convergedHosts(d)),
});
const brickNodes = new Map(record.bricks.map((b) => [`${b.host}:${b.path}`, b.node ?? ''] as const));

function input(overrides: Partial<DeleteInput> = {}): DeleteInput {
  return { record, ownerUid: owner.uid, hosts: convergedHosts(d), primary: 'pi0', brickNodes, ...overrides };
}

const names = (m: Map<string, { name: string }[]>) => [...m].map(([h, s]) => `${h}:${s.map((x) => x.name).join()}`);

void test('a converged volume: unmount everywhere, then stop and delete the volume, then remove each recorded brick', () => {
  const plan = planDelete(input());
  assert.deepEqual(names(plan.mount), ['pi0:unmount', 'pi1:unmount', 'pi2:unmount']);
  assert.deepEqual(
    plan.primary.map((s) => s.name),
    ['volume-delete'],
  );
  assert.deepEqual(names(plan.bricks), ['pi0:brick-remove', 'pi1:brick-remove', 'pi2:brick-remove']);
  assert.match(
    plan.primary[0]?.command ?? '',
    /grep -qxF 'Volume ID: 6c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5'/,
    'the ID is checked again on the Pi',
  );
  assert.match(plan.primary[0]?.command ?? '', /grep -qxF 'user\.bramble\.owner: 3f9a7c52-0000-4000-8000-0000000000aa'/, 'and the marker');
  assert.match(
    plan.bricks.get('pi1')?.[0]?.command ?? '',
    /\[ "\$v" = '6c1d2e3f4a5b4c6d8e7f8091a2b3c4d5' \] \|\| fail .*\n.*rm -rf --one-file-system -- '\/srv\/gluster\/shared'/,
  );
  assert.deepEqual(plan.left, []);
  assert.deepEqual(plan.removes, {
    volume: 'delete',
    bricks: ['pi0:/srv/gluster/shared', 'pi1:/srv/gluster/shared', 'pi2:/srv/gluster/shared'],
    unmounted: ['pi0:/mnt/shared', 'pi1:/mnt/shared', 'pi2:/mnt/shared'],
  });
});

void test('a volume already gone: its marked bricks and own mounts still go; nothing asks gluster to delete it', () => {
  const hosts = convergedHosts(d);
  const p = hosts.get('pi0');
  if (p) p.volume = { processes: [] };
  const plan = planDelete(input({ hosts }));
  assert.deepEqual(plan.primary, []);
  assert.equal(plan.removes?.volume, 'gone');
  assert.equal(plan.bricks.size, 3);
});

void test('a volume of the name with another ID is another volume: nothing at all is touched', () => {
  const hosts = convergedHosts(d);
  const vol = hosts.get('pi0')?.volume;
  if (vol?.info) vol.info = { ...vol.info, id: '99999999-0000-4000-8000-000000000000' };
  const plan = planDelete(input({ hosts }));
  assert.equal(plan.removes, undefined);
  assert.deepEqual([plan.mount.size, plan.primary.length, plan.bricks.size], [0, 0, 0]);
  assert.match(plan.left.join(), /volume shared: it now has ID 99999999-0000-4000-8000-000000000000, not the recorded 6c1d2e3f/);
});

void test('a brick whose PiNode is gone, an absent brick directory and a foreign fstab line at a recorded mount point are left (and said)', () => {
  const hosts = convergedHosts(d);
  hosts.delete('pi2');
  const pi0 = hosts.get('pi0');
  pi0?.bricks.set('/srv/gluster/shared', { exists: false, parentExists: true, device: '2065' });
  const pi1 = hosts.get('pi1')?.mounts.get('/mnt/shared');
  if (pi1) pi1.fstab = [...pi1.fstab, 'UUID=0b3e /mnt/shared ext4 noauto 0 2'];
  const plan = planDelete(input({ hosts, brickNodes: new Map([...brickNodes].filter(([, n]) => n !== 'pi2')) }));
  assert.deepEqual(names(plan.bricks), ['pi1:brick-remove'], "pi0's is already gone, pi2 cannot be reached");
  assert.deepEqual(names(plan.mount), ['pi0:unmount', 'pi1:unmount']);
  assert.deepEqual(plan.left, [
    "pi1:/mnt/shared: fstab line 'UUID=0b3e /mnt/shared ext4 noauto 0 2' (not bramble's)",
    'pi2:/mnt/shared: the mount and fstab line stay, its PiNode is gone',
    'pi2:/srv/gluster/shared: no PiNode to reach it',
  ]);
  assert.match(
    plan.mount.get('pi1')?.[0]?.command ?? '',
    /\$3 == "glusterfs"/,
    'the unmount step itself removes only the glusterfs entry of the volume',
  );
});

void test('no brick host left to ask about the volume: everything stays', () => {
  const plan = planDelete(input({ primary: undefined }));
  assert.equal(plan.removes, undefined);
  assert.match(
    plan.left[0] ?? '',
    new RegExp(`volume shared \\(${sharedVolumeId}\\), its bricks and mounts: no brick host's PiNode is left`),
  );
});
