// GlusterVolume in the destructive-spec suite (issue 15): what bramble creates, refuses and
// deletes on the Pis, with every Pi inventoried before and after each case. In order: two
// volumes converge (what that adds is declared); team-b's resource of the same name is refused
// naming default's and its delete touches nothing; an edited brick path is refused and Delete
// then removes the real bricks and not the user's data at the new path; a converged Delete
// removes exactly its bricks; refused (a home directory, a bad layout) and never-created volumes
// delete nothing; a foreign fstab line, mount and brick directory are refused, not replaced.
import assert from 'node:assert/strict';
import { parse, stringify } from 'yaml';
import { glusterYaml, type FaultFleet } from '../../e2e/converged-fleet.ts';
import type { Declared } from '../inventory.ts';
import type { DestructiveCase } from './case.ts';
import {
  apply,
  conditionOf,
  deleteObject,
  eventNote,
  getObject,
  onNodes,
  perNode,
  waitReason as waitForReason,
  type Conditioned,
} from './kubectl-steps.ts';

const brickNodes = ['pi1', 'pi2', 'pi3'];
const allNodes = ['pi0', ...brickNodes];
const seed = { matchLabels: { 'bramble.dev/cluster': 'seed' } };

interface Volume extends Conditioned {
  status?: Conditioned['status'] & { owned?: { volumeId: string; bricks: { node?: string; path: string }[] } };
}

/** The fault fleet's volume (replica 3 on pi1–pi3 under /srv/gluster), renamed, unmounted, with Delete and `spec` laid over it. */
function volumeYaml(name: string, spec: Record<string, unknown> = {}): string {
  const v = parse(glusterYaml()) as { metadata: { name: string }; spec: Record<string, unknown> };
  v.metadata.name = name;
  delete v.spec.mount;
  Object.assign(v.spec, { reclaimPolicy: 'Delete' }, spec);
  return stringify(v);
}

const volume = (ff: FaultFleet, namespace: string, name: string) => getObject<Volume>(ff, 'glustervolume', namespace, name);
const waitReason = (ff: FaultFleet, namespace: string, name: string, type: 'Ready' | 'Stalled', reason: string, timeoutMs: number) =>
  waitForReason<Volume>(ff, 'glustervolume', namespace, name, type, reason, timeoutMs);
const deleteVolume = (ff: FaultFleet, namespace: string, name: string) => deleteObject(ff, 'glustervolume', namespace, name);

/** glusterd's own state (pool, volume definitions): changes whenever a volume is created or deleted. */
const glusterdState = ['/var/lib/glusterd/**'];
/** Gluster's Python event scripts, run by glusterd, byte-compile themselves the first time (Debian's multiarch path). */
const glusterPycache = `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu/glusterfs/gfevents/__pycache__/**`;

/** What deleting volume `name` changes: its fstab lines everywhere, its bricks and glusterd's state on the brick hosts. */
function deletedVolume(name: string): Record<string, Declared> {
  return {
    pi0: { changed: ['/etc/fstab'] },
    ...perNode(brickNodes, {
      removed: [`/srv/gluster/${name}/**`, ...glusterdState],
      changed: ['/etc/fstab', ...glusterdState],
      added: glusterdState,
    }),
  };
}

/** Deletes a volume that recorded nothing: the delete completes and says nothing was deleted. */
async function nothingDeleted(ff: FaultFleet, namespace: string, name: string): Promise<void> {
  await deleteVolume(ff, namespace, name);
  assert.match(await eventNote(ff, namespace, name, 'NothingToDelete'), /nothing was recorded as created by this GlusterVolume/);
}

export const cases: DestructiveCase[] = [
  {
    name: 'gluster: two volumes converge with reclaimPolicy Delete; the volume ID, brick host:path and mounts are recorded',
    async run({ ff, namespace }) {
      // The user's data where the next-but-one case will point bricks.path: Delete must leave it.
      await onNodes(ff, brickNodes, 'mkdir -p /srv/moved/data && echo precious > /srv/moved/data/precious.txt');
      for (const name of ['data', 'scratch']) {
        await apply(ff, namespace, volumeYaml(name, { mount: { nodeSelector: seed, path: `/mnt/${name}` } }));
        const v = await waitReason(ff, namespace, name, 'Ready', 'VolumeHealthy', 150_000);
        const id = await ff.onNode('pi1', `gluster volume info ${name} | sed -n 's/^Volume ID: //p'`);
        assert.equal(v.status?.owned?.volumeId, id);
        assert.deepEqual(
          v.status?.owned?.bricks.map((b) => `${b.node}:${b.path}`),
          brickNodes.map((n) => `${n}:/srv/gluster/${name}`),
        );
        assert.equal(
          await ff.onNode('pi2', `gluster volume get ${name} user.bramble.owner | tail -1 | tr -s ' ' | cut -d' ' -f2`),
          v.metadata.uid,
        );
      }
      await ff.onNode('pi0', 'echo "written through the mount" > /mnt/data/file.txt && echo "scratch" > /mnt/scratch/file.txt');
      for (const n of brickNodes) assert.equal(await ff.onNode(n, 'cat /srv/gluster/data/file.txt'), 'written through the mount');
      return {
        declared: {
          // bramble's fstab lines and the mount points it made (they stay, empty, after a Delete).
          pi0: { added: ['/mnt/data', '/mnt/scratch'], changed: ['/etc/fstab'] },
          ...perNode(brickNodes, {
            added: [
              '/mnt/data',
              '/mnt/scratch',
              '/srv/gluster',
              '/srv/gluster/data/**',
              '/srv/gluster/scratch/**',
              ...glusterdState,
              '/etc/systemd/system/multi-user.target.wants/glusterd.service',
              glusterPycache,
              '/srv/moved/**',
            ],
            changed: ['/etc/fstab', ...glusterdState],
            removed: glusterdState,
          }),
        },
        notes: ['volumes created 2'],
      };
    },
  },
  {
    name: "gluster: team-b/data meets default/data's volume: refused naming the owner; deleting it deletes nothing of default's",
    async run({ ff, namespace, otherNamespace }) {
      const owner = await volume(ff, namespace, 'data');
      await apply(ff, otherNamespace, volumeYaml('data', { mount: { nodeSelector: seed, path: '/mnt/data' } }));
      const refused = await waitReason(ff, otherNamespace, 'data', 'Stalled', 'VolumeOwnedByAnother', 60_000);
      assert.match(
        conditionOf(refused, 'Stalled')?.message ?? '',
        new RegExp(`belongs to GlusterVolume ${namespace}/data \\(uid ${owner.metadata.uid}\\)`),
      );
      assert.match(await eventNote(ff, otherNamespace, 'data', 'VolumeOwnedByAnother'), new RegExp(`${namespace}/data`));
      assert.equal(refused.status?.owned, undefined);
      await deleteVolume(ff, otherNamespace, 'data');
      assert.match(await eventNote(ff, otherNamespace, 'data', 'NothingToDelete'), /nothing was deleted on the Pis/);
      assert.match(await ff.onNode('pi1', 'gluster volume info data'), /Status: Started/);
      for (const n of brickNodes) assert.equal(await ff.onNode(n, 'cat /srv/gluster/data/file.txt'), 'written through the mount');
      assert.equal(await ff.onNode('pi3', 'cat /mnt/data/file.txt'), 'written through the mount', 'still mounted');
      await waitReason(ff, namespace, 'data', 'Ready', 'VolumeHealthy', 30_000);
      return { declared: {} };
    },
  },
  {
    name: 'gluster: bricks.path edited after convergence is refused; Delete then removes the recorded bricks, not the new path',
    async run({ ff, namespace }) {
      await ff.kubectl([
        'patch',
        'glustervolume',
        'data',
        '-n',
        namespace,
        '--type=merge',
        '-p',
        JSON.stringify({ spec: { bricks: { path: '/srv/moved' } } }),
      ]);
      const refused = await waitReason(ff, namespace, 'data', 'Stalled', 'BrickPathChangeRefused', 60_000);
      assert.match(conditionOf(refused, 'Stalled')?.message ?? '', /\/srv\/gluster\/data .*\/srv\/moved\/data/);
      await deleteVolume(ff, namespace, 'data');
      assert.match(
        await eventNote(ff, namespace, 'data', 'VolumeDeleted'),
        /reclaimPolicy Delete: volume data \(.*\) stopped and deleted, 3 brick directories removed/,
      );
      assert.notEqual((await ff.fleet.exec('pi1', 'gluster volume info data')).code, 0, 'the volume is gone');
      for (const n of brickNodes)
        assert.equal(await ff.onNode(n, 'cat /srv/moved/data/precious.txt'), 'precious', `${n}: the new path is untouched`);
      assert.equal(await ff.onNode('pi0', 'cat /mnt/scratch/file.txt'), 'scratch', 'the other volume is still mounted');
      return { declared: deletedVolume('data'), notes: ['bricks removed 3'] };
    },
  },
  {
    name: 'gluster: Delete of a converged volume removes exactly its bricks, its fstab lines and mounts, nothing else',
    async run({ ff, namespace }) {
      await deleteVolume(ff, namespace, 'scratch');
      assert.match(
        await eventNote(ff, namespace, 'scratch', 'VolumeDeleted'),
        /3 brick directories removed .*unmounted from pi0:\/mnt\/scratch, pi1:\/mnt\/scratch, pi2:\/mnt\/scratch, pi3:\/mnt\/scratch/,
      );
      for (const n of allNodes) {
        assert.equal(await ff.onNode(n, 'findmnt -n /mnt/scratch || echo unmounted'), 'unmounted');
        assert.equal(await ff.onNode(n, 'awk \'$2 == "/mnt/scratch"\' /etc/fstab'), '');
      }
      return { declared: deletedVolume('scratch'), notes: ['bricks removed 3'] };
    },
  },
  {
    name: "gluster: refused volumes (a brick path in a user's home, a bad layout) deleted with Delete change nothing",
    async run({ ff, namespace }) {
      // A user whose home is outside /home, as some Pi owners set up: the schema cannot know it, the Pi can.
      await ff.onNode('pi2', 'useradd -m -d /srv/carol carol && echo "carol\'s" > /srv/carol/notes.txt');
      try {
        await apply(
          ff,
          namespace,
          volumeYaml('homed', { bricks: { nodeNames: brickNodes, path: '/srv/carol', allowRootFilesystem: true } }),
        );
        const homed = await waitReason(ff, namespace, 'homed', 'Stalled', 'DataPathInHome', 60_000);
        assert.match(
          conditionOf(homed, 'Stalled')?.message ?? '',
          /pi2: \/srv\/carol\/homed is in or over the home directory \/srv\/carol/,
        );
        await apply(
          ff,
          namespace,
          volumeYaml('layout', { bricks: { nodeSelector: seed, path: '/srv/gluster', allowRootFilesystem: true } }),
        );
        await waitReason(ff, namespace, 'layout', 'Stalled', 'BrickCountInvalid', 60_000);
        await nothingDeleted(ff, namespace, 'homed');
        await nothingDeleted(ff, namespace, 'layout');
        assert.equal(await ff.onNode('pi2', 'cat /srv/carol/notes.txt'), "carol's");
      } finally {
        await ff.onNode('pi2', 'userdel -r carol');
      }
      // The case's own user, added and removed: the account files' backups keep the copy with carol.
      return {
        declared: { pi2: { changed: ['/etc/passwd-', '/etc/group-', '/etc/shadow-', '/etc/gshadow-', '/etc/subuid-', '/etc/subgid-'] } },
      };
    },
  },
  {
    name: 'gluster: a volume that never got created (a PiNode that does not exist) deleted with Delete changes nothing',
    async run({ ff, namespace }) {
      await apply(
        ff,
        namespace,
        volumeYaml('ghost', {
          bricks: { nodeNames: ['pi1', 'pi2', 'pi9'], path: '/srv/gluster', allowRootFilesystem: true },
          mount: { nodeSelector: seed, path: '/mnt/ghost' },
        }),
      );
      await waitReason(ff, namespace, 'ghost', 'Ready', 'NodesNotFound', 60_000);
      await nothingDeleted(ff, namespace, 'ghost');
      return { declared: {} };
    },
  },
  {
    name: 'gluster: a foreign fstab line, a foreign mount and a foreign brick directory are refused, not replaced, and kept by Delete',
    async run({ ff, namespace }) {
      await ff.onNode(
        'pi0',
        "cp -p /etc/fstab /tmp/fstab.before && printf '%s\\n' 'tmpfs /mnt/foreign tmpfs defaults,noauto 0 0' >> /etc/fstab",
      );
      await ff.onNode('pi1', 'mkdir /mnt/foreign && mount -t tmpfs -o size=1m tmpfs /mnt/foreign && echo theirs > /mnt/foreign/file.txt');
      await ff.onNode('pi2', 'mkdir /srv/gluster/squatter && echo theirs > /srv/gluster/squatter/keep.txt');
      try {
        await apply(ff, namespace, volumeYaml('foreign', { mount: { nodeSelector: seed, path: '/mnt/foreign' } }));
        const mount = await waitReason(ff, namespace, 'foreign', 'Stalled', 'MountPathInUse', 60_000);
        assert.match(
          conditionOf(mount, 'Stalled')?.message ?? '',
          /pi0: fstab line 'tmpfs \/mnt\/foreign tmpfs defaults,noauto 0 0'; pi1: tmpfs \(tmpfs\) is mounted there/,
        );
        await apply(ff, namespace, volumeYaml('squatter'));
        const brick = await waitReason(ff, namespace, 'squatter', 'Stalled', 'BrickDirectoryExists', 60_000);
        assert.match(conditionOf(brick, 'Stalled')?.message ?? '', /pi2:\/srv\/gluster\/squatter exists/);
        await nothingDeleted(ff, namespace, 'foreign');
        await nothingDeleted(ff, namespace, 'squatter');
        assert.equal(await ff.onNode('pi0', 'awk \'$2 == "/mnt/foreign"\' /etc/fstab'), 'tmpfs /mnt/foreign tmpfs defaults,noauto 0 0');
        assert.equal(await ff.onNode('pi1', 'cat /mnt/foreign/file.txt'), 'theirs');
        assert.equal(await ff.onNode('pi2', 'cat /srv/gluster/squatter/keep.txt'), 'theirs');
        assert.equal(await ff.onNode('pi2', 'gluster volume list 2>&1'), 'No volumes present in cluster');
      } finally {
        await ff.onNode('pi0', 'cat /tmp/fstab.before > /etc/fstab && rm /tmp/fstab.before');
        await ff.onNode('pi1', 'umount /mnt/foreign; rmdir /mnt/foreign');
        await ff.onNode('pi2', 'rm -r /srv/gluster/squatter');
      }
      return { declared: {} };
    },
  },
];
