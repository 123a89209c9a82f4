import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeObservation } from './parse-observed.ts';
import { pendingStepsOf, planIsEmpty, planNode, planPool, planStop, rootFilesystemDrives, type PoolWanted } from './plan.ts';

const sha = 'a'.repeat(64);
const wanted: PoolWanted = {
  url: 'http://mirror.lan/minio',
  sha256: sha,
  envSha256: 'e'.repeat(64),
  unitText: '[Unit]\n',
  unitSha256: 'u'.repeat(64),
  serviceUser: 'minio-user',
  drivePaths: ['/srv/d1', '/srv/d2'],
  apiPort: 9000,
  allowRootFilesystem: false,
  owner: { uid: 'u-1', name: 'lab/objects' },
};
const ours = { uid: 'u-1', name: 'lab/objects', created: true };

const converged: NodeObservation = {
  binarySha256: sha,
  serviceUser: { uid: 998, shell: '/usr/sbin/nologin' },
  drives: [
    { path: '/srv/d1', exists: true, owner: 'minio-user', mountPoint: '/srv/d1', marker: ours, entries: 1 },
    { path: '/srv/d2', exists: true, owner: 'minio-user', mountPoint: '/srv/d2', marker: ours, entries: 1 },
  ],
  env: { mode: '600', owner: 'root', sha256: wanted.envSha256, pool: 'lab/objects' },
  unitSha256: wanted.unitSha256,
  appliedCurrent: true,
  active: true,
  enabled: true,
  live: 200,
  cluster: 200,
  homes: ['/root', '/home/pi'],
};

const fresh: NodeObservation = {
  drives: [
    { path: '/srv/d1', exists: false, mountPoint: '/srv', entries: 0 },
    { path: '/srv/d2', exists: false, mountPoint: '/srv', entries: 0 },
  ],
  homes: ['/root', '/home/pi'],
  appliedCurrent: false,
  active: false,
  enabled: false,
  live: 0,
  cluster: 0,
};

const names = (steps: { name: string }[]) => steps.map((s) => s.name);

void test('a converged node plans nothing', () => {
  const plan = planPool(
    ['pi1', 'pi2'],
    new Map([
      ['pi1', converged],
      ['pi2', converged],
    ]),
    wanted,
  );
  assert.ok(planIsEmpty(plan));
  assert.deepEqual(pendingStepsOf(plan), []);
});

void test('a fresh node stages the binary, then installs, creates user and drives, writes unit and env, restarts', () => {
  const plan = planNode('pi1', fresh, wanted);
  assert.deepEqual(names(plan.stage), ['fetch-binary']);
  assert.equal(plan.writeEnv, true);
  assert.deepEqual(names(plan.roll), ['install-binary', 'user:minio-user', 'drives', 'unit', 'restart']);
  assert.match(plan.roll.at(-1)?.description ?? '', /new binary/);
});

void test('only the credentials changed: the env file and a restart, nothing else', () => {
  const plan = planNode('pi1', { ...converged, env: { mode: '600', owner: 'root', sha256: 'f'.repeat(64) } }, wanted);
  assert.deepEqual(plan.stage, []);
  assert.equal(plan.writeEnv, true);
  assert.deepEqual(names(plan.roll), ['restart']);
  assert.match(plan.roll[0]?.description ?? '', /credentials/);
});

void test('an env file with loose permissions is rewritten', () => {
  assert.equal(planNode('pi1', { ...converged, env: { mode: '644', owner: 'root', sha256: wanted.envSha256 } }, wanted).writeEnv, true);
});

void test('a server not running the files on disk (an earlier rollout stopped half way) is restarted', () => {
  const plan = planNode('pi1', { ...converged, appliedCurrent: false }, wanted);
  assert.deepEqual(names(plan.roll), ['restart']);
  assert.match(plan.roll[0]?.description ?? '', /not running the files on disk/);
});

void test('a stopped server is restarted; a running but disabled one is only enabled', () => {
  assert.deepEqual(names(planNode('pi1', { ...converged, active: false }, wanted).roll), ['restart']);
  assert.deepEqual(names(planNode('pi1', { ...converged, enabled: false }, wanted).roll), ['enable']);
});

void test('the fetch step verifies the digest before keeping the download; install uses only a verified file', () => {
  const plan = planNode('pi1', { ...converged, binarySha256: 'b'.repeat(64) }, wanted);
  const fetch = plan.stage[0]?.command ?? '';
  assert.ok(fetch.indexOf('sha256 mismatch') < fetch.indexOf('mv -f'), 'verify comes before the file is kept');
  assert.match(fetch, /exit 65/);
  assert.ok(fetch.includes("'http://mirror.lan/minio'"));
  assert.deepEqual(names(plan.roll), ['install-binary', 'restart']);
});

void test('unreachable nodes are left out of the plan; rollout order is the given order', () => {
  const plan = planPool(
    ['pi3', 'pi1', 'pi2'],
    new Map([
      ['pi1', fresh],
      ['pi3', fresh],
    ]),
    wanted,
  );
  assert.deepEqual(
    plan.nodes.map((n) => n.host),
    ['pi3', 'pi1'],
  );
});

void test('drives on the root filesystem are refused unless allowed', () => {
  const onRoot = { ...fresh, drives: [{ path: '/srv/d1', exists: false, mountPoint: '/', entries: 0 }] };
  assert.deepEqual(rootFilesystemDrives(onRoot, wanted), ['/srv/d1']);
  assert.deepEqual(rootFilesystemDrives(onRoot, { allowRootFilesystem: true }), []);
});

void test('deletion stops the server only where its env file names this pool', () => {
  const observed = new Map([
    ['pi1', converged],
    ['pi2', { ...converged, active: false, enabled: false }],
    ['pi3', { ...converged, env: { ...converged.env!, pool: 'team-a/objects' } }],
  ]);
  const stop = planStop(['pi1', 'pi2', 'pi3'], observed, 'lab/objects');
  assert.deepEqual(
    stop.nodes.map((n) => [n.host, names(n.roll)]),
    [['pi1', ['stop']]],
  );
});

void test("a drive not yet marked as this pool's is marked in the drives step; a converged node with a readable stamp only tightens it", () => {
  const unmarked = { ...converged, drives: converged.drives.map((d) => ({ ...d, marker: undefined })) };
  const plan = planNode('pi1', unmarked, wanted);
  assert.deepEqual(names(plan.roll), ['drives']);
  assert.match(plan.roll[0]?.command ?? '', /uid='u-1' name='lab\/objects'/);
  assert.deepEqual(names(planNode('pi1', { ...converged, stampMode: '644' }, wanted).roll), ['stamp-mode']);
});
