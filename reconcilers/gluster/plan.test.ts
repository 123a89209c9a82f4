import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planVolume as planWith, poolCheck, type GlusterPlan, type PlanInput } from './plan.ts';
import { convergedHosts, desired, freshHost, nodes, owner, volumeInfo } from './test-fixtures.test-support.ts';
import type { HostObservation } from './parse-observed.ts';

const planVolume = (input: Omit<PlanInput, 'owner'>) => planWith({ ...input, owner });

function names(plan: GlusterPlan): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [h, steps] of plan.prepare) out[`prepare:${h}`] = steps.map((s) => s.name);
  out.primary = plan.primary.map((s) => s.name);
  for (const [h, steps] of plan.mount) out[`mount:${h}`] = steps.map((s) => s.name);
  return out;
}

function fresh(d: ReturnType<typeof desired>): Map<string, HostObservation> {
  const hosts = new Map(d.bricks.map((b) => [b.node, freshHost(d)] as const));
  const p = hosts.get('pi0');
  if (p) p.volume = { processes: [], error: 'gluster did not answer (glusterd not running?)' };
  return hosts;
}

void test('a fresh cluster: glusterd and brick parents everywhere, then probe, create (marked), start, options, then mounts', () => {
  const d = desired({ options: [{ name: 'performance.cache-size', value: '64MB' }] });
  const out = planVolume({ desired: d, hosts: fresh(d), primary: 'pi0' });
  assert.ok(out.ok);
  assert.deepEqual(names(out.plan), {
    'prepare:pi0': ['glusterd', 'brick-parent'],
    'prepare:pi1': ['glusterd', 'brick-parent'],
    'prepare:pi2': ['glusterd', 'brick-parent'],
    primary: ['peer-probe', 'volume-create', 'volume-start', 'volume-options'],
    'mount:pi0': ['fstab', 'mount'],
    'mount:pi1': ['fstab', 'mount'],
    'mount:pi2': ['fstab', 'mount'],
  });
  const create = out.plan.primary[1]?.command ?? '';
  assert.match(
    create,
    /volume create 'shared' 'replica' '3' transport tcp '10\.0\.0\.10:\/srv\/gluster\/shared' '10\.0\.0\.11:\/srv\/gluster\/shared' '10\.0\.0\.12:\/srv\/gluster\/shared' \|\|/,
  );
  assert.doesNotMatch(create, /force/, 'no force when the bricks are on their own disk');
  assert.match(
    create,
    /volume set 'shared' 'user\.bramble\.owner' '3f9a7c52-0000-4000-8000-0000000000aa' 'user\.bramble\.owner-name' 'lab\/shared' \|\|/,
    'marked in the same step',
  );
  assert.match(
    out.plan.prepare.get('pi0')?.[1]?.command ?? '',
    /mkdir -p -m 0755 '\/srv\/gluster' /,
    'only the parent: Gluster makes the brick directory',
  );
  assert.match(out.plan.primary[0]?.command ?? '', /'10\.0\.0\.11' '10\.0\.0\.12'/);
});

void test('a converged volume plans nothing at all', () => {
  const d = desired({ options: [{ name: 'cluster.quorum-type', value: 'auto' }] });
  const out = planVolume({ desired: d, hosts: convergedHosts(d), primary: 'pi0' });
  assert.ok(out.ok);
  assert.deepEqual(names(out.plan), { primary: [] });
});

void test('bricks on the root filesystem are refused unless allowed, and then created with force', () => {
  const d = desired();
  const hosts = fresh(d);
  for (const h of hosts.values()) h.bricks.set('/srv/gluster/shared', { exists: false, parentExists: true, device: h.rootDevice ?? '' });
  const refused = planVolume({ desired: d, hosts, primary: 'pi0' });
  assert.ok(!refused.ok);
  assert.equal(refused.refusal.reason, 'BrickOnRootFilesystem');
  assert.equal(refused.refusal.stalled, true);
  assert.match(refused.refusal.message, /pi0:\/srv\/gluster\/shared, pi1:\/srv\/gluster\/shared, pi2:\/srv\/gluster\/shared/);
  const allowed = desired({ bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: true } });
  const out = planVolume({ desired: allowed, hosts, primary: 'pi0' });
  assert.ok(out.ok);
  assert.match(out.plan.primary.find((s) => s.name === 'volume-create')?.command ?? '', / force \|\|/);
});

void test('unsafe changes are Stalled with a reason and plan nothing', () => {
  const d = desired();
  const cases: [Partial<Parameters<typeof volumeInfo>[1]>, string, RegExp][] = [
    [{ replicaCount: 4 }, 'ReplicaChangeRefused', /replica 4; shrinking it to 3/],
    [{ typeStr: 'Disperse', replicaCount: 1, disperseCount: 3 }, 'TypeChangeRefused', /is Disperse; changing its type to Replicate/],
    [
      { bricks: [...volumeInfo(d).bricks, ...volumeInfo(desired({}, nodes.slice(3, 6))).bricks] },
      'BrickRemovalRefused',
      /10\.0\.0\.13:\/srv\/gluster\/shared.*no longer selected/,
    ],
  ];
  for (const [overrides, reason, message] of cases) {
    const hosts = convergedHosts(d);
    const p = hosts.get('pi0');
    if (p?.volume) p.volume.info = volumeInfo(d, overrides);
    const out = planVolume({ desired: d, hosts, primary: 'pi0' });
    assert.ok(!out.ok, reason);
    assert.equal(out.refusal.reason, reason);
    assert.equal(out.refusal.stalled, true);
    assert.match(out.refusal.message, message);
    assert.match(out.refusal.message, /nothing was changed/);
  }
});

void test('expansion adds a whole replica set, then rebalances', () => {
  const before = desired();
  const after = desired(
    { bricks: { nodeNames: ['pi0', 'pi1', 'pi2', 'pi3', 'pi4', 'pi5'], path: '/srv/gluster', allowRootFilesystem: false } },
    nodes,
  );
  const hosts = convergedHosts(before);
  for (const n of ['pi3', 'pi4', 'pi5']) hosts.set(n, freshHost(after));
  const out = planVolume({ desired: after, hosts, primary: 'pi0' });
  assert.ok(out.ok);
  assert.deepEqual(
    out.plan.primary.map((s) => s.name),
    ['peer-probe', 'add-bricks', 'rebalance'],
  );
  assert.match(
    out.plan.primary[1]?.command ?? '',
    /add-brick 'shared' 'replica' '3' '10\.0\.0\.13:\/srv\/gluster\/shared' '10\.0\.0\.14:\/srv\/gluster\/shared' '10\.0\.0\.15:\/srv\/gluster\/shared'/,
  );
  assert.deepEqual(
    out.plan.prepare.get('pi3')?.map((s) => s.name),
    ['glusterd', 'brick-parent'],
  );
  assert.equal(out.plan.prepare.get('pi0'), undefined, 'existing bricks are left alone');
});

void test('a node already in another pool is reported, not probed', () => {
  const d = desired();
  const hosts = fresh(d);
  const pi2 = hosts.get('pi2');
  if (pi2)
    pi2.peers = [
      {
        uuid: '99999999-0000-0000-0000-000000000000',
        hostname: '10.9.9.9',
        hostnames: ['10.9.9.9'],
        connected: true,
        state: 'Peer in Cluster',
      },
    ];
  assert.deepEqual(poolCheck(d, hosts, 'pi0'), { probe: ['10.0.0.11'], foreign: ['pi2 (pool of 10.9.9.9)'] });
  const out = planVolume({ desired: d, hosts, primary: 'pi0' });
  assert.ok(!out.ok);
  assert.equal(out.refusal.reason, 'PeerInAnotherPool');
});

void test('options that differ are set; equal ones (on/enable spelled differently) are not', () => {
  const d = desired({
    options: [
      { name: 'performance.cache-size', value: '128MB' },
      { name: 'features.shard', value: 'on' },
    ],
  });
  const hosts = convergedHosts(d);
  const info = hosts.get('pi0')?.volume?.info;
  if (info)
    info.options = new Map([
      ['performance.cache-size', '64MB'],
      ['features.shard', 'enable'],
    ]);
  const out = planVolume({ desired: d, hosts, primary: 'pi0' });
  assert.ok(out.ok);
  assert.deepEqual(
    out.plan.primary.map((s) => s.description),
    ['set performance.cache-size=128MB'],
  );
});

void test('a node that lost its mount (or its fstab line) gets only what is missing', () => {
  const d = desired();
  const hosts = convergedHosts(d);
  const mountOf = (n: string) => hosts.get(n)?.mounts.get('/mnt/shared');
  const pi1 = mountOf('pi1');
  if (pi1) hosts.get('pi1')?.mounts.set('/mnt/shared', { fstab: pi1.fstab, dir: 'empty' });
  const pi2 = mountOf('pi2');
  if (pi2) pi2.fstab = ['10.0.0.10:/shared /mnt/shared glusterfs defaults 0 0'];
  const out = planVolume({ desired: d, hosts, primary: 'pi0' });
  assert.ok(out.ok);
  assert.deepEqual(names(out.plan), { primary: [], 'mount:pi1': ['mount'], 'mount:pi2': ['fstab'] });
});

void test('new bricks on an unreachable node wait (not Stalled)', () => {
  const d = desired();
  const hosts = fresh(d);
  hosts.delete('pi2');
  const out = planVolume({ desired: d, hosts, primary: 'pi0' });
  assert.ok(!out.ok);
  assert.equal(out.refusal.reason, 'NodesUnreachable');
  assert.equal(out.refusal.stalled, false);
});
