// GlusterVolume end to end (issue 7): the operator as `bramble run` composes it, three simulated
// Pis running Debian's real glusterd, bricks on their disks and FUSE mounts through /dev/fuse.
// A brick node is powered off and on for real; data is read back through other nodes' mounts.
// Ownership (issue 15): the volume carries its resource's UID as a user.* option, the bricks
// Gluster's volume-id xattr, status records both; a new resource of the same name does not take
// over a retained volume until a person hands it over, and then its Delete removes exactly it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { condition, E2eEnvironment, type ObjectJson } from './environment.ts';
import { waitFor } from './wait.ts';

const resyncMs = 8_000;
let env: E2eEnvironment;

interface VolumeStatus {
  owned?: {
    volumeName: string;
    volumeId: string;
    bricks: { node?: string; host: string; path: string }[];
    mounts?: { node: string; path: string }[];
  };
  bricksOnline?: number;
  bricksTotal?: number;
  healPendingEntries?: number;
  mountedNodes?: string[];
  volumeState?: string;
  peersConnected?: number;
}

function volumeYaml(name: string, spec: Record<string, unknown>): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: true },
      // A powered-off brick would otherwise stall writes for the default 42 s.
      options: [
        { name: 'network.ping-timeout', value: '5' },
        { name: 'cluster.quorum-type', value: 'auto' },
      ],
      mount: { nodeSelector: { matchLabels: { 'bramble.dev/cluster': 'seed' } }, path: '/mnt/shared' },
      ...spec,
    },
  });
}

async function volume(name: string): Promise<ObjectJson & { metadata: { uid?: string }; status?: VolumeStatus }> {
  return env.get('glustervolume', name) as Promise<ObjectJson & { metadata: { uid?: string }; status?: VolumeStatus }>;
}

/** The UID of the first `shared`, which created the volume (deleted with Retain later). */
let firstUid = '';

async function readyIs(name: string, status: 'True' | 'False'): Promise<boolean> {
  return condition(await volume(name), 'Ready')?.status === status;
}

/** Waits until the GlusterVolume reconciler has observed pi0 twice since `mark`. */
async function twoGlusterPasses(mark: number): Promise<void> {
  const pi0 = env.fleet.nodes[0]?.address;
  await waitFor('two GlusterVolume reconciles', resyncMs * 6, async () => {
    const passes = env.counter.since(mark).filter((c) => c.kind === 'observe' && c.done && c.host === pi0);
    // pi0 is observed by its PiNode and by the volume: four observes are two passes of each.
    return passes.length >= 4;
  });
}

before(async () => {
  env = await E2eEnvironment.start({ name: 'e2egluster', nodes: 3, subnet: '10.213.42.0/24', resyncMs });
  await env.kubectl(
    ['apply', '-f', '-'],
    env.piNodeYaml(() => ({ labels: { 'bramble.dev/cluster': 'seed' } })),
  );
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=180s']);
});

after(async () => {
  await env?.close();
});

test('bricks on the root filesystem are refused with a clear condition and nothing is touched', async () => {
  const yaml = volumeYaml('sdcard', {
    bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/sdcard' },
    mount: undefined,
    options: undefined,
  });
  await env.kubectl(['apply', '-f', '-'], yaml);
  await waitFor('sdcard Stalled', 60_000, async () => condition(await volume('sdcard'), 'Stalled')?.status === 'True');
  const v = await volume('sdcard');
  assert.equal(condition(v, 'Stalled')?.reason, 'BrickOnRootFilesystem');
  assert.match(condition(v, 'Ready')?.message ?? '', /root filesystem.*pi0:\/srv\/sdcard\/sdcard.*allowRootFilesystem/);
  for (const n of ['pi0', 'pi1', 'pi2']) {
    assert.equal(await env.onNode(n, 'test -e /srv/sdcard && echo present || echo absent'), 'absent', `${n}: no brick directory`);
  }
  assert.equal(await env.onNode('pi0', 'systemctl is-active glusterd || true'), 'inactive', 'glusterd was not even started');
  await env.kubectl(['delete', 'glustervolume', 'sdcard', '--timeout=60s']);
});

test('hostile option values are rejected by the control plane at kubectl apply', async () => {
  for (const value of ['on; reboot', '$(touch /tmp/pwned)', "off' || true", 'a b']) {
    const yaml = volumeYaml('hostile', { options: [{ name: 'performance.cache-size', value }] });
    const r = await env.cp.kubectl(['apply', '-f', '-'], yaml);
    assert.notEqual(r.code, 0, `value ${JSON.stringify(value)} must be rejected`);
    assert.match(r.stderr, /spec\.options\[0\]\.value/);
  }
  const r = await env.cp.kubectl(['get', 'glustervolume', 'hostile']);
  assert.notEqual(r.code, 0, 'nothing was created');
});

test('replica 3 mounted on all nodes: a file written on one node is read on another', async (t) => {
  const mark = env.counter.calls.length;
  await env.kubectl(['apply', '-f', '-'], volumeYaml('shared', {}));
  await waitFor('shared Ready', 180_000, () => readyIs('shared', 'True'), 1000);
  // One batched apply per brick host (glusterd, brick dir), one on the primary, one per mount host.
  const applies = env.counter.since(mark).filter((c) => c.kind !== 'observe');
  t.diagnostic(`fresh volume: ${applies.length} mutating execs, ${env.counter.since(mark).length} execs in all until Ready`);
  assert.equal(applies.length, 7);
  const v = await volume('shared');
  assert.equal(v.status?.bricksOnline, 3);
  assert.equal(v.status?.bricksTotal, 3);
  assert.equal(v.status?.healPendingEntries, 0);
  assert.equal(v.status?.volumeState, 'Started');
  assert.deepEqual(v.status?.mountedNodes, ['pi0', 'pi1', 'pi2']);
  assert.equal(await env.onNode('pi0', 'gluster volume get shared network.ping-timeout | tail -1 | tr -s " " | cut -d" " -f2'), '5');
  const fstab = await env.onNode('pi1', 'awk \'$2 == "/mnt/shared"\' /etc/fstab');
  assert.match(
    fstab,
    /^10\.213\.42\.10:\/shared \/mnt\/shared glusterfs defaults,_netdev,backup-volfile-servers=10\.213\.42\.11:10\.213\.42\.12 0 0$/,
  );
  await env.onNode('pi0', 'echo "written on pi0" > /mnt/shared/hello.txt');
  assert.equal(await env.onNode('pi2', 'cat /mnt/shared/hello.txt'), 'written on pi0');
  for (const n of ['pi0', 'pi1', 'pi2'])
    assert.equal(await env.onNode(n, 'cat /srv/gluster/shared/hello.txt'), 'written on pi0', `${n} holds a full copy`);
});

test("the volume carries its resource's UID, the bricks Gluster's volume ID, and status records both", async () => {
  const v = await volume('shared');
  firstUid = v.metadata.uid ?? '';
  assert.match(firstUid, /^[0-9a-f-]{36}$/);
  const option = (key: string) => env.onNode('pi1', `gluster volume get shared ${key} | tail -1 | tr -s ' ' | cut -d' ' -f2`);
  assert.equal(await option('user.bramble.owner'), firstUid);
  assert.equal(await option('user.bramble.owner-name'), 'default/shared');
  const id = await env.onNode('pi0', "gluster volume info shared | sed -n 's/^Volume ID: //p'");
  assert.equal(v.status?.owned?.volumeId, id);
  assert.deepEqual(
    v.status?.owned?.bricks,
    env.fleet.nodes.map((n) => ({ node: n.name, host: n.address, path: '/srv/gluster/shared' })),
  );
  assert.deepEqual(
    v.status?.owned?.mounts,
    ['pi0', 'pi1', 'pi2'].map((node) => ({ node, path: '/mnt/shared' })),
  );
  for (const n of ['pi0', 'pi1', 'pi2']) {
    assert.equal(
      await env.onNode(
        n,
        'getfattr -n trusted.glusterfs.volume-id -e hex --absolute-names /srv/gluster/shared | sed -n "s/^trusted.glusterfs.volume-id=0x//p"',
      ),
      id.replaceAll('-', ''),
      `${n}'s brick names the volume`,
    );
  }
});

test('a second reconcile of a healthy volume changes nothing', async () => {
  const mark = env.counter.calls.length;
  await twoGlusterPasses(mark);
  const changes = env.counter.since(mark).filter((c) => c.kind !== 'observe');
  assert.deepEqual(changes, [], 'only observes: no mutating command');
  assert.ok(await readyIs('shared', 'True'));
});

test('a brick node powered off: Ready=False naming its brick, writes go on; back on: heal completes, Ready again', async () => {
  await env.fleet.stop('pi2');
  const offline = /brick pi2:\/srv\/gluster\/shared is offline/;
  // While pi2 shuts down, a reconcile may first fail to reach it; the brick's state follows.
  await waitFor(
    'shared not Ready, naming the brick',
    90_000,
    async () => offline.test(condition(await volume('shared'), 'Ready')?.message ?? ''),
    1000,
  );
  const down = await volume('shared');
  assert.equal(condition(down, 'Ready')?.status, 'False');
  assert.equal(condition(down, 'Ready')?.reason, 'BricksOffline');
  assert.equal(down.status?.bricksOnline, 2);
  await env.onNode('pi0', 'echo "written while pi2 was off" > /mnt/shared/outage.txt', 60_000);
  assert.equal(await env.onNode('pi1', 'cat /mnt/shared/outage.txt'), 'written while pi2 was off');

  await env.fleet.start('pi2');
  await waitFor('shared Ready again', 150_000, () => readyIs('shared', 'True'), 1000);
  const up = await volume('shared');
  assert.equal(up.status?.bricksOnline, 3);
  assert.equal(up.status?.healPendingEntries, 0);
  assert.equal(await env.onNode('pi2', 'cat /srv/gluster/shared/outage.txt'), 'written while pi2 was off', "healed onto pi2's brick");
  assert.equal(await env.onNode('pi2', 'cat /mnt/shared/outage.txt'), 'written while pi2 was off');
});

test('deleting with Retain keeps the volume, its bricks and their data', async () => {
  await env.kubectl(['delete', 'glustervolume', 'shared', '--timeout=60s']);
  assert.notEqual((await env.cp.kubectl(['get', 'glustervolume', 'shared'])).code, 0);
  assert.ok(
    (await env.events()).some((e) => e.reason === 'VolumeRetained' && /nothing was unmounted, stopped or deleted/.test(e.note ?? '')),
  );
  assert.match(await env.onNode('pi0', 'gluster volume info shared'), /Status: Started/);
  for (const n of ['pi0', 'pi1', 'pi2'])
    assert.equal(await env.onNode(n, 'cat /srv/gluster/shared/hello.txt'), 'written on pi0', `${n} kept its brick`);
  assert.equal(await env.onNode('pi1', 'cat /mnt/shared/hello.txt'), 'written on pi0', 'still mounted');
});

test('a new GlusterVolume of the same name does not take over the retained volume; handed over by hand, its Delete removes exactly it', async () => {
  await env.kubectl(['apply', '-f', '-'], volumeYaml('shared', { reclaimPolicy: 'Delete' }));
  await waitFor(
    'shared refused',
    90_000,
    async () => condition(await volume('shared'), 'Stalled')?.reason === 'VolumeOwnedByAnother',
    1000,
  );
  const refused = await volume('shared');
  assert.notEqual(refused.metadata.uid, firstUid);
  const message = condition(refused, 'Stalled')?.message ?? '';
  assert.match(message, new RegExp(`belongs to GlusterVolume default/shared \\(uid ${firstUid}\\); nothing was taken over or changed`));
  assert.equal(refused.status?.owned, undefined, 'nothing recorded');
  assert.match(
    await env.onNode('pi0', 'gluster volume info shared'),
    new RegExp(`Status: Started[\\s\\S]*user\\.bramble\\.owner: ${firstUid}`),
    'untouched',
  );
  // What the refusal tells a person to run, once they know the old resource is gone for good.
  const handOver =
    /run on a brick host: (gluster volume set shared user\.bramble\.owner \S+ user\.bramble\.owner-name default\/shared)$/.exec(
      message,
    )?.[1];
  assert.ok(handOver, message);
  await env.onNode('pi0', handOver);
  await waitFor('shared handed over and Ready', 120_000, () => readyIs('shared', 'True'), 1000);
  assert.equal((await volume('shared')).status?.owned?.bricks.length, 3, 'recorded now');
  // Something of the user's beside the bricks and under the mount's parent: Delete must leave it.
  for (const n of ['pi0', 'pi1', 'pi2']) await env.onNode(n, 'echo mine > /srv/gluster/not-a-brick.txt');

  await env.kubectl(['delete', 'glustervolume', 'shared', '--timeout=120s']);
  assert.notEqual((await env.cp.kubectl(['get', 'glustervolume', 'shared'])).code, 0);
  assert.notEqual((await env.fleet.exec('pi0', 'gluster volume info shared')).code, 0, 'the volume is gone');
  for (const n of ['pi0', 'pi1', 'pi2']) {
    assert.equal(await env.onNode(n, 'test -e /srv/gluster/shared && echo present || echo absent'), 'absent', `${n}: brick removed`);
    assert.equal(await env.onNode(n, 'cat /srv/gluster/not-a-brick.txt'), 'mine', `${n}: nothing else removed`);
    assert.equal(await env.onNode(n, 'findmnt -n /mnt/shared || echo unmounted'), 'unmounted', `${n}: unmounted`);
    assert.equal(await env.onNode(n, 'awk \'$2 == "/mnt/shared"\' /etc/fstab'), '', `${n}: fstab entry removed`);
  }
  assert.ok((await env.events()).some((e) => e.reason === 'VolumeDeleted' && /3 brick directories removed/.test(e.note ?? '')));
});
