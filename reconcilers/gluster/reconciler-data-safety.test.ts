// Issue 15's reproductions for GlusterVolume, against the reconciler with a recording executor:
// what is refused sends nothing, what never converged deletes nothing, a name owned by another
// resource is not taken over, and Delete acts only on what the record in status and the marker
// on the Pi both name — never on the current spec's paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addresses,
  freshCluster,
  hexOf,
  otherUid,
  ownUid,
  recordingHarness,
  vol1,
  vol1Id,
  vol1Record,
  volumeInfoXml,
  type SectionOverrides,
} from './reconciler-harness.test-support.ts';
import type { GlusterVolume } from './types.ts';

const condition = (status: GlusterVolume['status'], type: string) => status?.conditions?.find((c) => c.type === type);

/** Every apply script sent, one string per host ("host: script"). */
function applied(h: ReturnType<typeof recordingHarness>): string[] {
  return h.applies().map((a) => `${a.host}: ${a.stdin}`);
}

const onUsr = () =>
  vol1(
    { bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/usr', allowRootFilesystem: false }, reclaimPolicy: 'Delete' },
    { name: 'lib' },
  );

void test('issue 15 #1: a hand-made volume on /usr (admission bypassed) is refused before any SSH', async () => {
  const h = recordingHarness();
  const result = await h.reconciler.reconcile(onUsr(), h.ctx);
  assert.equal(h.executor.calls.length, 0, 'nothing is sent to any Pi');
  assert.equal(condition(result.status, 'Stalled')?.reason, 'SystemPath');
  assert.match(condition(result.status, 'Ready')?.message ?? '', /spec\.bricks\.path \/usr is a system path/);
});

void test('issue 15 #1: deleting the refused volume on /usr with reclaimPolicy Delete sends nothing', async () => {
  const h = recordingHarness();
  const obj = onUsr();
  obj.status = {
    volumeName: 'lib',
    conditions: [
      { type: 'Stalled', status: 'True', reason: 'BrickOnRootFilesystem', message: 'refused', lastTransitionTime: '2026-11-25T09:00:00Z' },
    ],
  };
  const deleted = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(deleted?.done, true, 'the delete completes');
  assert.equal(h.executor.calls.length, 0, 'no rm -rf of /usr/lib, no SSH at all');
});

void test('issue 15 #1: a volume that never converged deletes nothing on Delete, though a volume of its name and brick directories exist', async () => {
  const h = recordingHarness();
  const result = await h.reconciler.finalize?.(vol1({ reclaimPolicy: 'Delete' }), h.ctx);
  assert.equal(result?.done, true);
  assert.equal(h.executor.calls.length, 0, 'no record, so no SSH and nothing deleted');
  assert.ok(
    result?.events.some((e) => e.reason === 'NothingToDelete' && /nothing was recorded/.test(e.message)),
    JSON.stringify(result?.events),
  );
});

void test("issue 15 #3: team-b/vol1 meets team-a's volume vol1: refused naming the owner, nothing applied; deleting it touches nothing", async () => {
  const h = recordingHarness({ '*': { 'volume-info': volumeInfoXml({ uid: otherUid, name: 'team-a/vol1' }) } });
  const obj = vol1({ reclaimPolicy: 'Delete' }, { namespace: 'team-b' });
  const result = await h.reconciler.reconcile(obj, h.ctx);
  assert.deepEqual(applied(h), [], 'nothing is taken over');
  const stalled = condition(result.status, 'Stalled');
  assert.equal(stalled?.reason, 'VolumeOwnedByAnother');
  assert.match(
    stalled?.message ?? '',
    /Gluster volume vol1 belongs to GlusterVolume team-a\/vol1 \(uid 0a1b2c3d-0000-4000-8000-00000000000b\)/,
  );
  assert.ok(result.events.some((e) => e.type === 'Warning' && e.reason === 'VolumeOwnedByAnother'));
  assert.equal(result.status.owned, undefined, 'nothing recorded');
  obj.status = result.status;
  const calls = h.executor.calls.length;
  const deleted = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(deleted?.done, true);
  assert.equal(h.executor.calls.length, calls, "team-a's volume is not stopped, deleted or unmounted");
});

const movedBricks = () =>
  vol1({ bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/moved', allowRootFilesystem: true }, reclaimPolicy: 'Delete' });

void test('issue 15 #4: bricks.path edited after convergence is refused, the record kept', async () => {
  const h = recordingHarness();
  const obj = movedBricks();
  obj.status = { owned: vol1Record() };
  const refused = await h.reconciler.reconcile(obj, h.ctx);
  assert.deepEqual(applied(h), []);
  assert.equal(condition(refused.status, 'Stalled')?.reason, 'BrickPathChangeRefused');
  assert.match(condition(refused.status, 'Stalled')?.message ?? '', /\/srv\/gluster\/vol1.*\/srv\/moved\/vol1/);
  assert.deepEqual(refused.status.owned, vol1Record(), 'the record is kept');
});

void test('issue 15 #4: deleting it with Delete removes the recorded bricks, never the new path', async () => {
  const h = recordingHarness();
  const obj = movedBricks();
  obj.status = {
    owned: vol1Record(),
    volumeName: 'vol1',
    bricks: ['pi0', 'pi1', 'pi2'].map((n) => ({ node: n, path: '/srv/gluster/vol1', online: true })),
  };
  const deleted = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(deleted?.done, true);
  const sent = applied(h);
  assert.ok(
    sent.every((s) => !s.includes('/srv/moved')),
    'the new path is never touched',
  );
  for (const host of Object.values(addresses)) {
    assert.ok(
      sent.some((s) => s.startsWith(`${host}: `) && s.includes("rm -rf --one-file-system -- '\\''/srv/gluster/vol1'\\''")),
      `${host}: the recorded brick is removed`,
    );
  }
  assert.equal(sent.filter((s) => s.includes('volume delete')).length, 1);
});

void test('issue 15 #6: a hand-made mount over /etc is refused before any SSH', async () => {
  const h = recordingHarness();
  const result = await h.reconciler.reconcile(vol1({ mount: { nodeSelector: {}, path: '/etc' } }), h.ctx);
  assert.equal(h.executor.calls.length, 0);
  assert.equal(condition(result.status, 'Stalled')?.reason, 'SystemPath');
  assert.match(condition(result.status, 'Ready')?.message ?? '', /spec\.mount\.path \/etc is a system path/);
});

void test('issue 15 #6: an fstab line for the mount path that bramble did not write, or a disk mounted there, is refused instead of replaced', async () => {
  for (const [overrides, named] of [
    [
      {
        [addresses.pi2 ?? '']: {
          'fstab /mnt/shared': 'UUID=0b3e /mnt/shared ext4 defaults 0 2',
          fstab: 'UUID=0b3e /mnt/shared ext4 defaults 0 2',
          'mounted /mnt/shared': undefined,
          mounted: undefined,
          'mountdir /mnt/shared': 'empty',
        },
      },
      /pi2: fstab line 'UUID=0b3e \/mnt\/shared ext4 defaults 0 2'/,
    ],
    [
      { [addresses.pi1 ?? '']: { 'mounted /mnt/shared': '/dev/sda1 ext4', mounted: '/dev/sda1 ext4', 'mountdir /mnt/shared': 'mounted' } },
      /pi1: \/dev\/sda1 \(ext4\) is mounted there/,
    ],
    [
      {
        [addresses.pi0 ?? '']: {
          'fstab /mnt/shared': undefined,
          fstab: undefined,
          'mounted /mnt/shared': undefined,
          mounted: undefined,
          'mountdir /mnt/shared': 'nonempty',
        },
      },
      /pi0: \/mnt\/shared holds files/,
    ],
  ] as [SectionOverrides, RegExp][]) {
    const h = recordingHarness(overrides);
    const result = await h.reconciler.reconcile(vol1(), h.ctx);
    assert.deepEqual(applied(h), [], 'nothing replaced or mounted over');
    assert.equal(condition(result.status, 'Stalled')?.reason, 'MountPathInUse');
    assert.match(condition(result.status, 'Stalled')?.message ?? '', named);
  }
});

void test("issue 15, home directories: a brick directory inside a user's home on the Pi is refused, nothing created", async () => {
  const h = recordingHarness({ ...freshCluster, [addresses.pi1 ?? '']: { 'home-dirs': '/home/pi\n/srv/alice\n/nonexistent' } });
  const result = await h.reconciler.reconcile(
    vol1({ bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/alice', allowRootFilesystem: true } }),
    h.ctx,
  );
  assert.deepEqual(applied(h), []);
  assert.equal(condition(result.status, 'Stalled')?.reason, 'DataPathInHome');
  assert.match(condition(result.status, 'Stalled')?.message ?? '', /pi1: \/srv\/alice\/vol1 is in or over the home directory \/srv\/alice/);
});

void test('a brick directory that exists before the volume is refused, not taken over (Gluster would create the volume on it)', async () => {
  const h = recordingHarness({
    ...freshCluster,
    [addresses.pi1 ?? '']: { ...freshCluster['*'], 'brick /srv/gluster/vol1': 'exists=1 dev=122 volume-id=', brick: 'exists=1 dev=122' },
  });
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.deepEqual(applied(h), []);
  assert.equal(condition(result.status, 'Stalled')?.reason, 'BrickDirectoryExists');
  assert.match(condition(result.status, 'Stalled')?.message ?? '', /pi1:\/srv\/gluster\/vol1 exists/);
});

void test("a new volume is created and marked with this resource's UID in one step; the next observe records it", async () => {
  const h = recordingHarness(freshCluster);
  await h.reconciler.reconcile(vol1(), h.ctx);
  const primary = applied(h).find((s) => s.includes('volume create')) ?? '';
  assert.match(
    primary,
    /volume create '\\''vol1'\\''.*\n.*volume set '\\''vol1'\\'' '\\''user\.bramble\.owner'\\'' '\\''0a1b2c3d-0000-4000-8000-00000000000a'\\'' '\\''user\.bramble\.owner-name'\\'' '\\''lab\/vol1'\\''/,
  );
  const next = recordingHarness();
  const result = await next.reconciler.reconcile(vol1(), next.ctx);
  assert.deepEqual(result.status.owned, vol1Record());
  assert.equal(condition(result.status, 'Ready')?.status, 'True');
});

void test('converged Delete removes exactly the recorded bricks whose volume-id xattr names the volume, and only its own mounts', async () => {
  const h = recordingHarness({ [addresses.pi2 ?? '']: { 'brick /srv/gluster/vol1': `exists=1 dev=122 volume-id=${hexOf(otherUid)}` } });
  const obj = vol1({ reclaimPolicy: 'Delete' });
  obj.status = { owned: vol1Record() };
  const result = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(result?.done, true);
  const sent = applied(h);
  const removed = sent.filter((s) => s.includes('rm -rf')).map((s) => s.slice(0, s.indexOf(':')));
  assert.deepEqual(removed.sort(), [addresses.pi0, addresses.pi1], "pi2's directory is not marked as vol1's brick");
  assert.ok(
    sent.every((s) => !s.includes('rm -rf') || s.includes(`getfattr`)),
    'the xattr is checked again on the Pi before rm',
  );
  const left = result?.events.find((e) => e.type === 'Warning' && e.reason === 'DataLeftInPlace');
  assert.match(left?.message ?? '', /pi2:\/srv\/gluster\/vol1.*trusted\.glusterfs\.volume-id/);
  assert.equal(sent.filter((s) => s.includes('umount')).length, 3);
  const summary = result?.events.find((e) => e.reason === 'VolumeDeleted' && e.message.startsWith('reclaimPolicy Delete'))?.message ?? '';
  assert.match(
    summary,
    new RegExp(
      `volume vol1 \\(${vol1Id}\\) stopped and deleted, 2 brick directories removed \\(pi0:/srv/gluster/vol1, pi1:/srv/gluster/vol1\\)`,
    ),
  );
});

void test('Delete leaves a volume that now belongs to another resource (handed over by its owner) entirely in place', async () => {
  const h = recordingHarness({ '*': { 'volume-info': volumeInfoXml({ uid: otherUid, name: 'lab/vol1-new' }) } });
  const obj = vol1({ reclaimPolicy: 'Delete' });
  obj.status = { owned: vol1Record() };
  const result = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(result?.done, true);
  assert.deepEqual(applied(h), []);
  assert.match(result?.events.find((e) => e.reason === 'DataLeftInPlace')?.message ?? '', /belongs to GlusterVolume lab\/vol1-new/);
});

void test("migration: a volume converged before markers is adopted only when this resource's own status records it", async () => {
  const unmarked: SectionOverrides = { '*': { 'volume-info': volumeInfoXml(null) } };
  const stranger = recordingHarness(unmarked);
  const refused = await stranger.reconciler.reconcile(vol1(), stranger.ctx);
  assert.deepEqual(applied(stranger), []);
  assert.equal(condition(refused.status, 'Stalled')?.reason, 'NotCreatedByBramble');
  assert.match(
    condition(refused.status, 'Stalled')?.message ?? '',
    new RegExp(`gluster volume set vol1 user\\.bramble\\.owner ${ownUid} user\\.bramble\\.owner-name lab/vol1`),
  );

  const own = recordingHarness(unmarked);
  const obj = vol1();
  obj.status = { volumeName: 'vol1', bricks: ['pi0', 'pi1', 'pi2'].map((n) => ({ node: n, path: '/srv/gluster/vol1', online: true })) };
  await own.reconciler.reconcile(obj, own.ctx);
  const sent = applied(own);
  assert.equal(sent.length, 1);
  assert.match(sent[0] ?? '', /volume set '\\''vol1'\\'' '\\''user\.bramble\.owner'\\'' '\\''0a1b2c3d-0000-4000-8000-00000000000a'\\''/);
  assert.ok(sent[0]?.startsWith(`${addresses.pi0}: `), 'on the primary');
});
