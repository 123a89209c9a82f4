// The reconciler with a fake executor at the edge: observe answers are built from the real
// gluster XML captured on the fleet (fixtures/), so what is counted is what the Pis would see.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { UnreachableError } from '../../ssh/errors.ts';
import { FakeView } from '../slurm/cluster-fixture.test-support.ts';
import type { ExecOptions, SshTarget } from '../../ssh/executor.ts';
import type { ReconcileContext } from '../contract.ts';
import { createGlusterVolumeReconciler } from './reconciler.ts';
import type { GlusterVolume, GlusterVolumeSpec, PiNode } from './types.ts';

const nonce = 'n0nce0001';
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const addresses: Record<string, string> = { pi0: '10.213.42.10', pi1: '10.213.42.11', pi2: '10.213.42.12' };

function piNode(name: string): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name, namespace: 'lab', labels: { seed: 'yes' } },
    spec: { address: addresses[name] ?? '', port: 22, ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-ssh' }, hostKeyPolicy: 'TrustOnFirstUse' } },
  } as PiNode;
}

/** The fixtures' volume vol1: replica 3 on /srv/gluster/vol1 of pi0–pi2, mounted at /mnt/shared. */
function vol1(spec: Partial<GlusterVolumeSpec> = {}): GlusterVolume {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name: 'vol1', namespace: 'lab', generation: 3 },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: true },
      options: [{ name: 'performance.cache-size', value: '64MB' }],
      mount: { nodeSelector: { matchLabels: { seed: 'yes' } }, path: '/mnt/shared' },
      reclaimPolicy: 'Retain',
      ...spec,
    },
  } as GlusterVolume;
}

const fstab = '10.213.42.10:/vol1 /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.213.42.11:10.213.42.12 0 0';

/** pi0's and pi2's views were captured; pi1's is pi2's with pi1 swapped for pi2. */
function peersSeenFrom(host: string): string {
  if (host === '10.213.42.10') return fixture('peer-status.xml');
  const pi2 = fixture('peer-status-pi2.xml');
  if (host === '10.213.42.12') return pi2;
  return pi2.replaceAll('ebc3ad51-f690-46d9-b047-8cd98553a12e', 'f08d49b7-8fe5-4626-8cd1-872e15fa4b1d').replaceAll('10.213.42.11', '10.213.42.12');
}

/** What the observe script prints on a host of the converged fixture volume. */
function observeBlob(host: string, script: string, statusXml = 'status-all-online.xml', healXml = 'heal-summary-clean.xml', overrides: Record<string, string> = {}): string {
  const sections: Record<string, string> = {
    'gluster-cli': '/usr/sbin/gluster',
    glusterd: 'active enabled',
    'glusterd-uuid': `UUID=${host === '10.213.42.10' ? 'a65cee39-d8ae-4e51-aac9-2276a135ad57' : host === '10.213.42.11' ? 'ebc3ad51-f690-46d9-b047-8cd98553a12e' : 'f08d49b7-8fe5-4626-8cd1-872e15fa4b1d'}`,
    'gluster-peers': peersSeenFrom(host),
    'root-device': '122',
    brick: 'exists=1 dev=122',
    'volume-info': fixture('volume-info-replica3.xml'),
    'volume-status': fixture(statusXml),
    'heal-summary': fixture(healXml),
    rebalance: '',
    'mount-helper': '/usr/sbin/mount.glusterfs',
    mounted: '10.213.42.10:/vol1 fuse.glusterfs',
    fstab,
    'boot-state': 'running 3600.12',
    end: '',
    ...overrides,
  };
  // Only the sections the script asked for, as the real script prints them.
  return Object.entries(sections).filter(([name]) => script.includes(`sec ${name};`))
    .map(([name, body]) => `\n@@bramble:${nonce} ${name}\n${body}`).join('\n');
}

function harness(answer: (target: SshTarget, stdin: string) => string | Error) {
  const view = new FakeView();
  for (const n of ['pi0', 'pi1', 'pi2']) view.put(piNode(n));
  const executor = new RecordingExecutor().on(() => true, (_c: string, target: SshTarget, options: ExecOptions) => {
    const stdin = options.stdin?.toString() ?? '';
    const out = answer(target, stdin);
    return out instanceof Error ? out : { stdout: out };
  });
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const ctx: ReconcileContext = { executor, view, clock: { now: () => new Date('2026-11-25T10:00:00Z') }, log };
  return { executor, view, ctx, reconciler: createGlusterVolumeReconciler({ nonce: () => nonce }) };
}

const isObserve = (stdin: string) => stdin.includes('sec gluster-peers');

void test('a converged volume: one observe per host, nothing applied, Ready with Gluster\'s own figures', async () => {
  const h = harness((target, stdin) => (isObserve(stdin) ? observeBlob(target.host, stdin) : new Error(`unexpected change: ${stdin.slice(0, 80)}`)));
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.equal(h.executor.calls.length, 3);
  assert.deepEqual(h.executor.calls.map((c) => c.target.host).sort(), ['10.213.42.10', '10.213.42.11', '10.213.42.12']);
  assert.equal(h.executor.calls.filter((c) => c.options.stdin?.toString().includes('sec volume-info')).length, 1, 'only the primary asks about the volume');
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True', ready?.message);
  assert.equal(result.status.bricksOnline, 3);
  assert.equal(result.status.healPendingEntries, 0);
  assert.equal(result.status.peersConnected, 3);
  assert.deepEqual(result.status.mountedNodes, ['pi0', 'pi1', 'pi2']);
  assert.equal(result.status.observedGeneration, 3);
  assert.equal(result.status.conditions?.some((c) => c.type === 'Stalled' || c.type === 'Reconciling'), false);
});

void test('a brick process down with heal pending: Ready=False naming the brick and the count', async () => {
  const h = harness((target, stdin) => (isObserve(stdin) ? observeBlob(target.host, stdin, 'status-brick-down.xml', 'heal-summary-pending.xml') : new Error('no change expected')));
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'BricksOffline');
  assert.match(ready?.message ?? '', /brick pi2:\/srv\/gluster\/vol1 is offline; 12 entries pending heal/);
  assert.equal(result.status.bricksOnline, 2);
  assert.ok(result.events.some((e) => e.type === 'Warning' && e.reason === 'BricksOffline'));
});

void test('the first brick host unreachable: the next one reports the volume, and the outage is named', async () => {
  const h = harness((target, stdin) => {
    if (target.host === '10.213.42.10') return new UnreachableError('10.213.42.10:22', 'connect ECONNREFUSED');
    return isObserve(stdin) ? observeBlob(target.host, stdin) : new Error('no change expected');
  });
  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  const ready = result.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.match(ready?.message ?? '', /unreachable: pi0: Unreachable/);
  assert.equal(result.status.volumeState, 'Started', 'pi1 answered for the volume');
});

void test('a host still booting (glusterd not yet started, volume not yet mounted) gets nothing applied until it is up', async () => {
  let bootState = 'starting 9.80';
  const applied: string[] = [];
  const h = harness((target, stdin) => {
    if (isObserve(stdin)) {
      const pi2 = target.host === '10.213.42.12';
      return observeBlob(target.host, stdin, 'status-all-online.xml', 'heal-summary-clean.xml', pi2 ? { 'boot-state': bootState, glusterd: 'inactive enabled', 'gluster-peers': '', mounted: '' } : {});
    }
    applied.push(target.host);
    return '';
  });
  const waiting = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.equal(applied.length, 0, 'nothing is applied while pi2 boots');
  const ready = waiting.status.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.reason, 'HostBooting');
  assert.match(ready?.message ?? '', /waiting for pi2 to finish booting/);
  assert.equal(waiting.requeueAfterMs, 5_000);
  // The same observation from a host that finished booting is planned from and applied.
  bootState = 'running 40.00';
  await h.reconciler.reconcile(vol1(), h.ctx);
  assert.ok(applied.includes('10.213.42.12'), 'once up, its missing glusterd and mount are seen to');
});

void test('Retain: deletion touches nothing on the Pis and says what was left', async () => {
  const h = harness(() => new Error('no command may run'));
  const obj = vol1();
  obj.status = { bricks: [{ node: 'pi0', path: '/srv/gluster/vol1', online: true }], mountedNodes: ['pi0', 'pi1'] };
  const result = await h.reconciler.finalize?.(obj, h.ctx);
  assert.equal(result?.done, true);
  assert.equal(h.executor.calls.length, 0);
  assert.match(result?.events[0]?.message ?? '', /Retain: volume vol1 left started with its 1 brick\(s\).*still mounted on pi0, pi1; nothing was unmounted, stopped or deleted/);
});

void test('Delete with a host unreachable waits rather than deleting part of the data', async () => {
  const h = harness((target, stdin) => {
    if (target.host === '10.213.42.12') return new UnreachableError('10.213.42.12:22', 'timed out');
    return isObserve(stdin) ? observeBlob(target.host, stdin) : new Error('nothing may be deleted yet');
  });
  const result = await h.reconciler.finalize?.(vol1({ reclaimPolicy: 'Delete' }), h.ctx);
  assert.equal(result?.done, false);
  assert.equal(h.executor.calls.filter((c) => c.options.stdin?.toString().includes('run_step')).length, 0);
  assert.match(result?.status.conditions?.find((c) => c.type === 'Ready')?.message ?? '', /waiting to reach every host.*pi2/);
});
