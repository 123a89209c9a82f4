// Issue 15's reproductions for MinioPool, against the reconciler with fake Pis behind the
// recording executor: system paths, homes and a root or login service user are refused before
// anything is changed; what never prepared a drive deletes nothing; a drive of another pool is
// not taken over; a converged pool's layout is not rolled over; and Delete acts only on the
// drives the record in status and the marker on the Pi both name — never on the current spec.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCondition } from '../../crds/conditions.ts';
import { admit } from '../../crds/admission-for-tests.ts';
import { fakeDeploymentId } from './fake-minio-node.test-support.ts';
import { poolUid, reconcile, reconciler, setup } from './pool-harness.test-support.ts';
import type { MinioPool } from './types.ts';

type Setup = ReturnType<typeof setup>;

const condition = (status: MinioPool['status'], type: string) => findCondition(status?.conditions, type);
const otherUid = '9d0e4f3a-0000-4000-8000-00000000000b';

/** Every script and command sent that changes something or removes data: steps and file writes, not observes. */
function sent(s: Setup): string[] {
  return s.fleet.mutatingCalls().map((c) => `${c.target.host}: ${c.command} ${c.options.stdin?.toString() ?? ''}`);
}

const removals = (s: Setup) =>
  s.fleet.executor.calls.filter((c) => /rm -rf|rmdir|find "\$d"/.test(`${c.command}\n${c.options.stdin?.toString() ?? ''}`));

/** A converged pool of `count` nodes: two reconciles, then a status with the drives recorded. */
async function converged(count = 4): Promise<Setup> {
  const s = setup(count);
  await reconcile(s);
  await reconcile(s);
  assert.equal(condition(s.pool.status, 'Ready')?.status, 'True', condition(s.pool.status, 'Ready')?.message);
  s.fleet.forgetCalls();
  return s;
}

for (const path of ['/var/lib', '/home/pi']) {
  void test(`issue 15 #2: drivePaths [${path}] (admission bypassed) is refused before any SSH, and deleting it with Delete sends nothing`, async () => {
    const s = setup();
    s.pool.spec.drivePaths = [path];
    s.pool.spec.reclaimPolicy = 'Delete';
    const refused = await reconcile(s);
    assert.equal(s.fleet.executor.calls.length, 0, 'nothing is sent to any Pi');
    assert.equal(condition(refused.status, 'Stalled')?.reason, 'SystemPath');
    assert.match(condition(refused.status, 'Ready')?.message ?? '', new RegExp(`${path} is a system path`));
    const deleted = await reconciler.finalize!(s.pool, s.ctx);
    assert.equal(deleted.done, true, 'the delete completes');
    assert.deepEqual(removals(s), [], `no rm -rf of ${path}`);
    assert.ok(
      deleted.events.some((e) => e.reason === 'NothingToDelete' && /nothing was recorded/.test(e.message)),
      JSON.stringify(deleted.events),
    );
  });
}

void test('issue 15 #2: a pool refused on the Pi (drive on the root filesystem) and deleted with Delete removes nothing', async () => {
  const s = setup();
  s.pool.spec.reclaimPolicy = 'Delete';
  for (const n of s.fleet.nodes.values()) n.drives.set('/srv/minio/disk1', { entries: 3 });
  const refused = await reconcile(s);
  assert.equal(condition(refused.status, 'Stalled')?.reason, 'DriveNotEmpty');
  assert.deepEqual(sent(s), []);
  assert.equal(refused.status.owned, undefined, 'nothing recorded');
  const deleted = await reconciler.finalize!(s.pool, s.ctx);
  assert.equal(deleted.done, true);
  assert.deepEqual(removals(s), []);
  assert.ok(
    [...s.fleet.nodes.values()].every((n) => n.drives.get('/srv/minio/disk1')?.entries === 3),
    'the files there stay',
  );
});

void test("issue 15 #5: a drive in a user's home outside /home (known only on the Pi) is refused; nothing is chowned", async () => {
  const s = setup();
  s.pool.spec.drivePaths = ['/data/pi'];
  for (const n of s.fleet.nodes.values()) n.homes = ['/root', '/data/pi'];
  const r = await reconcile(s);
  assert.deepEqual(sent(s), []);
  assert.equal(condition(r.status, 'Stalled')?.reason, 'DataPathInHome');
  assert.match(condition(r.status, 'Stalled')?.message ?? '', /pi0: \/data\/pi is in or over the home directory \/data\/pi/);
});

void test('issue 15 #5, #6: serviceUser root, the SSH login user, or an account with a login shell is refused before anything changes', async () => {
  for (const user of ['root', 'pi']) {
    const s = setup();
    s.pool.spec.serviceUser = user;
    const r = await reconcile(s);
    assert.equal(s.fleet.executor.calls.length, 0, `${user}: nothing sent`);
    assert.equal(condition(r.status, 'Stalled')?.reason, 'ServiceUserRefused');
  }
  const s = setup();
  s.pool.spec.serviceUser = 'alice';
  for (const n of s.fleet.nodes.values()) Object.assign(n, { user: true, userShell: '/bin/bash' });
  const r = await reconcile(s);
  assert.deepEqual(sent(s), []);
  assert.match(condition(r.status, 'Stalled')?.message ?? '', /serviceUser alice is an account with the login shell \/bin\/bash/);
  const admitted = admit('MinioPool', {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'MinioPool',
    metadata: { name: 'x', namespace: 'lab' },
    spec: { ...setup().pool.spec, serviceUser: 'root' },
  });
  assert.ok(
    admitted.causes.some((c) => /serviceUser may not be root/.test(c.message)),
    JSON.stringify(admitted.causes),
  );
});

void test('issue 15 #6: drivePaths [/etc] is refused by admission and by the reconciler; nothing is chowned', async () => {
  const s = setup();
  s.pool.spec.drivePaths = ['/etc'];
  const r = await reconcile(s);
  assert.equal(s.fleet.executor.calls.length, 0);
  assert.equal(condition(r.status, 'Stalled')?.reason, 'SystemPath');
  const admitted = admit('MinioPool', {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'MinioPool',
    metadata: { name: 'x', namespace: 'lab' },
    spec: s.pool.spec,
  });
  assert.ok(
    admitted.causes.some((c) => /\/etc is a system path/.test(c.message)),
    JSON.stringify(admitted.causes),
  );
});

void test("issue 15 #1 (MinIO): a converged pool records each drive's host:path and its deployment ID; the drives carry its marker", async () => {
  const s = await converged();
  assert.equal(s.pool.status?.owned?.deploymentId, fakeDeploymentId);
  assert.deepEqual(
    s.pool.status?.owned?.drives.map((d) => `${d.node}:${d.host}:${d.path}`),
    [0, 1, 2, 3].map((i) => `pi${i}:10.0.0.1${i}:/srv/minio/disk1`),
  );
  assert.ok([...s.fleet.nodes.values()].every((n) => n.drives.get('/srv/minio/disk1')?.marker?.uid === poolUid));
});

void test('issue 15 #1 (MinIO): the drives marked by the first rollout are recorded in that same status', async () => {
  const s = setup();
  const first = await reconcile(s);
  assert.equal(first.status.owned?.drives.length, 4, 'a delete right after the first rollout still knows the drives');
});

void test('issue 15 #7: a node added to a converged pool is refused, not rolled out; the message says to add a new pool', async () => {
  const s = await converged(4);
  const extra = setup(4).view.nodes.find((n) => n.metadata.name === 'pi0')!;
  s.view.nodes.push({ ...extra, metadata: { ...extra.metadata, name: 'pi4' }, spec: { ...extra.spec, address: '10.0.0.14' } });
  s.fleet.add('10.0.0.14');
  const r = await reconcile(s);
  assert.deepEqual(sent(s), [], 'no MINIO_VOLUMES rewritten, no restart');
  assert.equal(s.fleet.executor.calls.length, 0, 'refused before SSH');
  assert.equal(condition(r.status, 'Stalled')?.reason, 'PoolLayoutChangeRefused');
  assert.match(condition(r.status, 'Stalled')?.message ?? '', /now also selects pi4 \(10\.0\.0\.14\).*add a new server pool instead/);
  assert.ok(r.events.some((e) => e.type === 'Warning' && e.reason === 'PoolLayoutChangeRefused'));
});

void test('issue 15 #7: a node leaving a converged pool is Stalled naming it; nothing is rolled out to the others', async () => {
  const s = await converged(4);
  s.view.nodes = s.view.nodes.filter((n) => n.metadata.name !== 'pi3');
  const r = await reconcile(s);
  assert.deepEqual(sent(s), []);
  assert.equal(condition(r.status, 'Stalled')?.reason, 'NodeLeftPool');
  assert.match(
    condition(r.status, 'Stalled')?.message ?? '',
    /pi3 \(10\.0\.0\.13\) holds drives of this pool .* MinIO there keeps running with the old endpoint list/,
  );
  assert.equal(r.status.owned?.drives.length, 4, 'the record is kept');
});

void test('issue 15 #7: drivePaths edited on a converged pool is refused; Delete then removes the recorded drives, not the new path', async () => {
  const s = await converged(2);
  s.pool.spec.drivePaths = ['/srv/moved'];
  s.pool.spec.reclaimPolicy = 'Delete';
  for (const n of s.fleet.nodes.values()) n.drives.set('/srv/moved', { entries: 5 });
  const r = await reconcile(s);
  s.pool.status = r.status;
  assert.deepEqual(sent(s), []);
  assert.equal(condition(r.status, 'Stalled')?.reason, 'PoolLayoutChangeRefused');
  assert.match(condition(r.status, 'Stalled')?.message ?? '', /spec\.drivePaths is now \/srv\/moved, the drives are \/srv\/minio\/disk1/);
  const deleted = await reconciler.finalize!(s.pool, s.ctx);
  assert.equal(deleted.done, true);
  for (const n of s.fleet.nodes.values()) {
    assert.equal(n.drives.has('/srv/minio/disk1'), false, 'the recorded drive is removed');
    assert.equal(n.drives.get('/srv/moved')?.entries, 5, 'the new path is untouched');
  }
  assert.ok(removals(s).every((c) => !(c.options.stdin?.toString() ?? '').includes('/srv/moved')));
  assert.match(
    deleted.events.find((e) => e.reason === 'DrivesDeleted')?.message ?? '',
    /2 drive\(s\) and their data deleted \(pi0:\/srv\/minio\/disk1, pi1:\/srv\/minio\/disk1\)/,
  );
});

void test("issue 15: team-b's pool of the same name meets team-a's drives: refused naming the owner; deleting it touches nothing", async () => {
  const s = await converged(4);
  const b = setup(4);
  b.fleet.nodes.clear();
  for (const [address, node] of s.fleet.nodes) b.fleet.nodes.set(address, node);
  b.pool.metadata.uid = otherUid;
  b.pool.metadata.namespace = 'team-b';
  b.pool.spec.reclaimPolicy = 'Delete';
  const r = await reconcile(b);
  assert.deepEqual(sent(b), [], 'nothing taken over');
  assert.equal(condition(r.status, 'Stalled')?.reason, 'NodeServesAnotherPool');
  assert.match(condition(r.status, 'Stalled')?.message ?? '', /pi0 runs MinIO for MinioPool lab\/objects/);
  for (const n of s.fleet.nodes.values()) n.envPool = undefined;
  const drives = await reconcile(b);
  assert.equal(condition(drives.status, 'Stalled')?.reason, 'DriveOwnedByAnother');
  assert.match(
    condition(drives.status, 'Stalled')?.message ?? '',
    new RegExp(`pi0:/srv/minio/disk1 belongs to MinioPool lab/objects \\(uid ${poolUid}`),
  );
  b.pool.status = drives.status;
  const deleted = await reconciler.finalize!(b.pool, b.ctx);
  assert.equal(deleted.done, true);
  assert.deepEqual(sent(b), [], "team-a's MinIO is not stopped, its drives not deleted");
  assert.ok([...s.fleet.nodes.values()].every((n) => n.drives.get('/srv/minio/disk1')?.marker?.uid === poolUid && n.active));
});

void test('issue 15: Delete of a converged pool removes exactly its drives; a recorded drive whose marker changed is left with a Warning, and the delete completes', async () => {
  const s = await converged(4);
  s.pool.spec.reclaimPolicy = 'Delete';
  const pi2 = s.fleet.nodes.get('10.0.0.12')!;
  pi2.drives.get('/srv/minio/disk1')!.marker = { uid: otherUid, name: 'lab/other' };
  const deleted = await reconciler.finalize!(s.pool, s.ctx);
  assert.equal(deleted.done, true);
  assert.equal(pi2.drives.has('/srv/minio/disk1'), true, "the drive now marked as another pool's stays");
  assert.deepEqual(
    [...s.fleet.nodes.entries()]
      .filter(([, n]) => n.drives.size === 0)
      .map(([a]) => a)
      .sort(),
    ['10.0.0.10', '10.0.0.11', '10.0.0.13'],
  );
  const left = deleted.events.find((e) => e.reason === 'DataLeftInPlace');
  assert.equal(left?.type, 'Warning');
  assert.match(left?.message ?? '', /pi2:\/srv\/minio\/disk1: its marker names MinioPool lab\/other/);
  const scripts = removals(s).map((c) => c.options.stdin?.toString() ?? '');
  assert.ok(
    scripts.every((t) => t.includes(`uid=${poolUid}`) || t.includes(`uid='\\''${poolUid}'\\''`)),
    'every removal re-checks the marker on the Pi',
  );
});

void test('issue 15: a pool that never converged deletes nothing, though drive directories of its paths exist', async () => {
  const s = setup();
  s.pool.spec.reclaimPolicy = 'Delete';
  for (const n of s.fleet.nodes.values()) n.drives.set('/srv/minio/disk1', { entries: 2, deploymentId: fakeDeploymentId });
  const deleted = await reconciler.finalize!(s.pool, s.ctx);
  assert.equal(deleted.done, true);
  assert.deepEqual(removals(s), []);
  assert.deepEqual(sent(s), []);
});

void test('issue 16: the stamp is written 0600 and a stamp left readable is tightened without a restart', async () => {
  const s = setup(1);
  await reconcile(s);
  const restart = s.fleet.executor.calls.map((c) => c.options.stdin?.toString() ?? '').find((t) => t.includes('systemctl restart')) ?? '';
  assert.match(restart, /umask 077 && fingerprint >/);
  await reconcile(s);
  const node = [...s.fleet.nodes.values()][0]!;
  node.stampMode = '644';
  s.fleet.forgetCalls();
  await reconcile(s);
  const steps = s.fleet.mutatingCalls().map((c) => c.options.stdin?.toString() ?? '');
  assert.equal(steps.length, 1);
  assert.match(steps[0] ?? '', /chmod 0600 \S*\/var\/lib\/bramble\/minio\.applied/);
  assert.ok(!steps[0]?.includes('systemctl restart'));
});

void test('issue 15: the Pis of a pool deleted with Retain (stopped, files kept) may serve a new pool on other drives', async () => {
  const s = await converged(4);
  await reconciler.finalize!(s.pool, s.ctx);
  s.pool.metadata.uid = otherUid;
  s.pool.metadata.name = 'next';
  s.pool.spec.drivePaths = ['/srv/minio/next'];
  s.pool.status = undefined;
  s.fleet.forgetCalls();
  const r = await reconcile(s);
  assert.equal(condition(r.status, 'Ready')?.reason, 'RollingOut', condition(r.status, 'Ready')?.message);
  assert.ok(
    [...s.fleet.nodes.values()].every(
      (n) => n.drives.get('/srv/minio/disk1')?.marker?.uid === poolUid && n.drives.get('/srv/minio/next')?.marker?.uid === otherUid,
    ),
  );
});
