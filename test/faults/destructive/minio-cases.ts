// MinioPool in the destructive-spec suite (issue 15): what bramble creates, refuses and deletes on
// the Pis, with every Pi inventoried before and after each case. In order: a pool converges on
// all four Pis with reclaimPolicy Delete (what that adds is declared, the record and markers are
// checked); team-b's pool of the same name is refused naming default's and its delete touches
// nothing; drivePaths edited and a node leaving are refused, not rolled out, and Delete then
// removes the recorded drives and not the user's data at the new path; a second pool converges
// and its Delete removes exactly its drives; refused pools (a home, a login service user, a
// foreign non-empty drive) and a never-created one (wrong digest) delete nothing.
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { runKubectl } from '../../controlplane/harness.ts';
import type { FaultFleet } from '../../e2e/converged-fleet.ts';
import type { Declared } from '../inventory.ts';
import type { DestructiveCase } from './case.ts';
import {
  apply,
  conditionOf,
  deleteObject,
  eventNote,
  onNodes,
  perNode,
  waitReason as waitForReason,
  type Conditioned,
} from './kubectl-steps.ts';

const allNodes = ['pi0', 'pi1', 'pi2', 'pi3'];
const drive = '/srv/minio/disk1';

interface Pool extends Conditioned {
  status?: Conditioned['status'] & { owned?: { deploymentId?: string; drives: { node: string; host: string; path: string }[] } };
}

/** The fault fleet's pool (all four Pis, one drive, stand-in minio), renamed, with Delete and `spec` laid over it. */
function poolYaml(ff: FaultFleet, name: string, spec: Record<string, unknown> = {}): string {
  const p = parse(ff.minioYaml()) as { metadata: { name: string }; spec: Record<string, unknown> };
  p.metadata.name = name;
  Object.assign(p.spec, { reclaimPolicy: 'Delete' }, spec);
  return stringify(p);
}

const waitReason = (ff: FaultFleet, namespace: string, name: string, type: 'Ready' | 'Stalled', reason: string, timeoutMs: number) =>
  waitForReason<Pool>(ff, 'miniopool', namespace, name, type, reason, timeoutMs);
const deletePool = (ff: FaultFleet, namespace: string, name: string) => deleteObject(ff, 'miniopool', namespace, name);
const forAll = (d: Declared) => perNode(allNodes, d);

/** Deletes a pool that recorded nothing: the delete completes and says no data was deleted. */
async function nothingDeleted(ff: FaultFleet, namespace: string, name: string): Promise<void> {
  await deletePool(ff, namespace, name);
  assert.match(await eventNote(ff, namespace, name, 'NothingToDelete'), /nothing was recorded as created by this MinioPool/);
}

/** The account files useradd and userdel rewrite (and their backups). */
const accountFiles = [
  '/etc/passwd',
  '/etc/group',
  '/etc/shadow',
  '/etc/gshadow',
  '/etc/passwd-',
  '/etc/group-',
  '/etc/shadow-',
  '/etc/gshadow-',
];
/** What (re)starting a pool changes: its env file, unit, stamp; systemd's enablement link comes and goes with it. */
const poolFiles = [
  '/etc/default/minio',
  '/etc/systemd/system/minio.service',
  '/var/lib/bramble/minio.applied',
  '/etc/systemd/system/multi-user.target.wants/minio.service',
];

/** Checks the record in status against the Pis: every drive, MinIO's deployment ID, and bramble's marker (0600 root, this UID). */
async function assertRecorded(ff: FaultFleet, p: Pool, path: string): Promise<void> {
  const id = await ff.onNode('pi1', `sed -n 's/.*"id":"\\([0-9a-f-]*\\)".*/\\1/p' ${path}/.minio.sys/format.json`);
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(p.status?.owned?.deploymentId, id);
  assert.deepEqual(
    p.status?.owned?.drives.map((d) => `${d.node}:${d.host}:${d.path}`),
    allNodes.map((n) => `${n}:${ff.address(n)}:${path}`),
  );
  for (const n of allNodes) {
    assert.equal(await ff.onNode(n, `stat -c '%a %U' ${path}/.bramble-owner`), '600 root');
    assert.equal(await ff.onNode(n, `sed -n 's/^uid=//p' ${path}/.bramble-owner`), p.metadata.uid);
    assert.equal(await ff.onNode(n, 'stat -c %a /var/lib/bramble/minio.applied'), '600', 'issue 16: the stamp is private');
  }
}

export const cases: DestructiveCase[] = [
  {
    name: "minio: a pool converges with reclaimPolicy Delete; each drive's deployment ID and host:path are recorded, each drive carries its marker",
    async run({ ff, namespace }) {
      // The user's data where a later case points drivePaths: Delete must leave it.
      await onNodes(ff, allNodes, 'mkdir -p /srv/minio-moved/data && echo precious > /srv/minio-moved/data/precious.txt');
      await apply(ff, namespace, poolYaml(ff, 'objects'));
      const p = await waitReason(ff, namespace, 'objects', 'Ready', 'MinioHealthy', 240_000);
      await assertRecorded(ff, p, drive);
      // Data MinIO keeps for people (the stand-in's bucket layout).
      await onNodes(ff, allNodes, `mkdir -p ${drive}/photos && echo cat > ${drive}/photos/cat.jpg && chown -R minio-user: ${drive}/photos`);
      return {
        declared: forAll({
          added: ['/usr/local/bin/minio', ...poolFiles, '/var/lib/bramble', '/srv/minio', `${drive}/**`, '/srv/minio-moved/**'],
          changed: [...accountFiles, ...poolFiles, '/var/lib/bramble'],
        }),
        notes: ['pool converged on 4 nodes'],
      };
    },
  },
  {
    name: 'minio: team-b/objects meets default/objects on the same Pis: refused naming the owner; deleting it stops and deletes nothing',
    async run({ ff, namespace, otherNamespace }) {
      const secret = JSON.parse(await ff.kubectl(['get', 'secret', 'minio-root', '-n', namespace, '-o', 'json'])) as {
        data: Record<string, string>;
      };
      await apply(
        ff,
        otherNamespace,
        stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'minio-root' }, type: 'Opaque', data: secret.data }),
      );
      await apply(ff, otherNamespace, poolYaml(ff, 'objects'));
      const refused = await waitReason(ff, otherNamespace, 'objects', 'Stalled', 'NodeServesAnotherPool', 60_000);
      assert.match(conditionOf(refused, 'Stalled')?.message ?? '', new RegExp(`pi0 runs MinIO for MinioPool ${namespace}/objects`));
      assert.equal(refused.status?.owned, undefined);
      await nothingDeleted(ff, otherNamespace, 'objects');
      for (const n of allNodes) {
        assert.equal(await ff.onNode(n, 'systemctl is-active minio'), 'active', `${n}: default/objects still runs`);
        assert.equal(await ff.onNode(n, `cat ${drive}/photos/cat.jpg`), 'cat');
      }
      await waitReason(ff, namespace, 'objects', 'Ready', 'MinioHealthy', 30_000);
      return { declared: {} };
    },
  },
  {
    name: 'minio: drivePaths edited and a node leaving are refused, not rolled out; Delete then removes the recorded drives, not the new path',
    async run({ ff, namespace }) {
      const before = await onNodes(ff, allNodes, 'systemctl show -p MainPID --value minio');
      await ff.kubectl([
        'patch',
        'miniopool',
        'objects',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { drivePaths: ['/srv/minio-moved'] } }),
      ]);
      const moved = await waitReason(ff, namespace, 'objects', 'Stalled', 'PoolLayoutChangeRefused', 60_000);
      assert.match(
        conditionOf(moved, 'Stalled')?.message ?? '',
        /spec\.drivePaths is now \/srv\/minio-moved, the drives are \/srv\/minio\/disk1.*add a new server pool instead/,
      );
      await ff.kubectl([
        'patch',
        'miniopool',
        'objects',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { drivePaths: [drive] } }),
      ]);
      await waitReason(ff, namespace, 'objects', 'Ready', 'MinioHealthy', 60_000);
      await ff.kubectl(['label', 'pinode', 'pi3', '--overwrite', 'bramble.dev/cluster=elsewhere']);
      try {
        const left = await waitReason(ff, namespace, 'objects', 'Stalled', 'NodeLeftPool', 60_000);
        assert.match(
          conditionOf(left, 'Stalled')?.message ?? '',
          new RegExp(`pi3 \\(${ff.address('pi3').replaceAll('.', '\\.')}\\) holds drives of this pool .*old endpoint list`),
        );
      } finally {
        await ff.kubectl(['label', 'pinode', 'pi3', '--overwrite', 'bramble.dev/cluster=seed']);
      }
      await waitReason(ff, namespace, 'objects', 'Ready', 'MinioHealthy', 60_000);
      assert.deepEqual(
        await onNodes(ff, allNodes, 'systemctl show -p MainPID --value minio'),
        before,
        'no node was restarted with another layout',
      );
      await ff.kubectl([
        'patch',
        'miniopool',
        'objects',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { drivePaths: ['/srv/minio-moved'] } }),
      ]);
      await waitReason(ff, namespace, 'objects', 'Stalled', 'PoolLayoutChangeRefused', 60_000);
      await deletePool(ff, namespace, 'objects');
      assert.match(
        await eventNote(ff, namespace, 'objects', 'DrivesDeleted'),
        /4 drive\(s\) and their data deleted \(pi0:\/srv\/minio\/disk1, pi1:\/srv\/minio\/disk1, pi2:\/srv\/minio\/disk1, pi3:\/srv\/minio\/disk1\)/,
      );
      for (const n of allNodes) {
        assert.equal(await ff.onNode(n, `test -e ${drive} && echo present || echo gone`), 'gone');
        assert.equal(await ff.onNode(n, 'cat /srv/minio-moved/data/precious.txt'), 'precious', `${n}: the new path is untouched`);
        assert.equal(await ff.onNode(n, 'systemctl is-active minio || true'), 'inactive');
      }
      return {
        declared: forAll({ removed: [`${drive}/**`, '/etc/systemd/system/multi-user.target.wants/minio.service'] }),
        notes: ['drives removed 4'],
      };
    },
  },
  {
    name: 'minio: Delete of a converged pool removes exactly its drives and their data, nothing else',
    async run({ ff, namespace }) {
      const path = '/srv/minio/scratch';
      await apply(ff, namespace, poolYaml(ff, 'scratch', { drivePaths: [path] }));
      const p = await waitReason(ff, namespace, 'scratch', 'Ready', 'MinioHealthy', 180_000);
      await assertRecorded(ff, p, path);
      await onNodes(ff, allNodes, `mkdir -p ${path}/bucket && echo object > ${path}/bucket/object`);
      await deletePool(ff, namespace, 'scratch');
      assert.match(await eventNote(ff, namespace, 'scratch', 'DrivesDeleted'), /4 drive\(s\) and their data deleted/);
      for (const n of allNodes) assert.equal(await ff.onNode(n, `test -e ${path} && echo present || echo gone`), 'gone');
      // Net: the drives came and went; the env file, unit and stamp were rewritten for this pool.
      return { declared: forAll({ changed: poolFiles }), notes: ['drives removed 4'] };
    },
  },
  {
    name: "minio: refused pools (a drive in a user's home, root or a login user as serviceUser, a foreign non-empty drive) deleted with Delete change nothing",
    async run({ ff, namespace }) {
      const root = await runKubectl(
        ff.kubeconfigPath,
        ['apply', '-n', namespace, '-f', '-'],
        poolYaml(ff, 'rooted', { serviceUser: 'root' }),
      );
      assert.notEqual(root.code, 0, 'serviceUser root is refused by kubectl apply');
      assert.match(root.stderr, /serviceUser may not be root/);
      // A user whose home is outside /home, as some Pi owners set up: the schema cannot know it, the Pi can.
      await ff.onNode('pi2', 'useradd -m -d /srv/carol carol && echo "carol\'s" > /srv/carol/notes.txt');
      await ff.onNode('pi1', 'mkdir -p /srv/minio/squat && echo theirs > /srv/minio/squat/keep.txt');
      try {
        await apply(ff, namespace, poolYaml(ff, 'homed', { drivePaths: ['/srv/carol'] }));
        const homed = await waitReason(ff, namespace, 'homed', 'Stalled', 'DataPathInHome', 60_000);
        assert.match(conditionOf(homed, 'Stalled')?.message ?? '', /pi2: \/srv\/carol is in or over the home directory \/srv\/carol/);
        await nothingDeleted(ff, namespace, 'homed');
        // alice is a PiNode-managed login user (the fleet's PiNodes create her).
        await apply(ff, namespace, poolYaml(ff, 'login', { serviceUser: 'alice', drivePaths: ['/srv/minio/login'] }));
        const login = await waitReason(ff, namespace, 'login', 'Stalled', 'ServiceUserRefused', 60_000);
        assert.match(conditionOf(login, 'Stalled')?.message ?? '', /serviceUser alice is a PiNode's SSH or managed user/);
        await nothingDeleted(ff, namespace, 'login');
        await apply(ff, namespace, poolYaml(ff, 'squat', { drivePaths: ['/srv/minio/squat'] }));
        const squat = await waitReason(ff, namespace, 'squat', 'Stalled', 'DriveNotEmpty', 60_000);
        assert.match(
          conditionOf(squat, 'Stalled')?.message ?? '',
          /pi1:\/srv\/minio\/squat is not empty \(1 entries\) and carries no bramble marker/,
        );
        await nothingDeleted(ff, namespace, 'squat');
        assert.equal(await ff.onNode('pi2', 'cat /srv/carol/notes.txt'), "carol's");
        assert.equal(await ff.onNode('pi2', 'stat -c %U /srv/carol'), 'carol', "carol's home was not chowned");
        assert.equal(await ff.onNode('pi1', 'cat /srv/minio/squat/keep.txt'), 'theirs');
      } finally {
        await ff.onNode('pi2', 'userdel -r carol');
        await ff.onNode('pi1', 'rm -r /srv/minio/squat');
      }
      // The case's own user, added and removed: the account files' backups keep the copy with carol.
      return {
        declared: { pi2: { changed: ['/etc/passwd-', '/etc/group-', '/etc/shadow-', '/etc/gshadow-', '/etc/subuid-', '/etc/subgid-'] } },
      };
    },
  },
  {
    name: 'minio: a pool that never got created (the download has another digest) deleted with Delete changes nothing',
    async run({ ff, namespace }) {
      await apply(
        ff,
        namespace,
        poolYaml(ff, 'ghost', { drivePaths: ['/srv/minio/ghost'], source: { url: `${ff.artifacts.url}minio`, sha256: 'a'.repeat(64) } }),
      );
      await waitReason(ff, namespace, 'ghost', 'Stalled', 'ChecksumMismatch', 120_000);
      await nothingDeleted(ff, namespace, 'ghost');
      for (const n of allNodes) assert.equal(await ff.onNode(n, 'test -e /srv/minio/ghost && echo present || echo absent'), 'absent');
      return { declared: {} };
    },
  },
];
