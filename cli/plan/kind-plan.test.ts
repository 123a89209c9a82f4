// `bramble plan` of a GlusterVolume and a MinioPool through the engine, with the recording
// executor at the SSH edge (the kinds' own fake Pis): the plan sends only read-only observes, and
// the steps it prints for each Pi are exactly the steps the reconciler then applies there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReconcileEvent } from '../../reconcilers/contract.ts';
import { glusterVolumeKind } from '../../reconcilers/gluster/reconciler.ts';
import { minioPoolKind } from '../../reconcilers/minio/reconciler.ts';
import { freshCluster, nonce as glusterNonce, recordingHarness, vol1 } from '../../reconcilers/gluster/reconciler-harness.test-support.ts';
import { nonce as minioNonce } from '../../reconcilers/minio/fake-minio-node.test-support.ts';
import { reconciler as minioReconciler, setup as minioSetup } from '../../reconcilers/minio/pool-harness.test-support.ts';
import { planKindNow, type KindPlanReport } from './kind-plan.ts';

/** Per host, the step descriptions the plan prints, sorted. */
function printed(report: KindPlanReport): Record<string, string[]> {
  return Object.fromEntries(report.hosts.filter((h) => h.steps.length).map((h) => [h.subject, h.steps.map((s) => s.description).sort()]));
}

/** Per host, the step descriptions a reconcile applied, from its applied-step Events ("description (pi0, pi1)"). */
function applied(events: readonly ReconcileEvent[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const e of events) {
    const m = /^(.*) \(([^()]*)\)$/s.exec(e.message);
    if (e.type !== 'Normal' || !m) continue;
    for (const host of (m[2] ?? '').split(', ')) (out[host] ??= []).push(m[1] ?? '');
  }
  for (const steps of Object.values(out)) steps.sort();
  return out;
}

void test('GlusterVolume: the plan of a fresh volume sends only observes, and the reconciler applies exactly the printed steps on each Pi', async () => {
  const h = recordingHarness(freshCluster);
  const report = await planKindNow(glusterVolumeKind, vol1(), 'GlusterVolume lab/vol1', h.view, h.executor, { nonce: () => glusterNonce });
  assert.equal(report.error, undefined);
  assert.deepEqual(
    report.hosts.map((x) => x.subject),
    ['pi0', 'pi1', 'pi2'],
  );
  assert.ok(
    report.hosts.every((x) => x.steps.length > 0),
    'every Pi has work on a fresh volume',
  );
  assert.equal(h.applies().length, 0, 'mutating commands sent by the plan');
  assert.equal(h.executor.calls.length, 3, 'one observe per Pi');

  const result = await h.reconciler.reconcile(vol1(), h.ctx);
  assert.ok(h.applies().length > 0, 'the reconcile applied');
  assert.deepEqual(applied(result.events), printed(report));
});

void test('MinioPool: the plan of a fresh pool sends only observes, notes the env file as a secret, and the reconciler applies exactly the printed steps', async () => {
  const s = minioSetup();
  const report = await planKindNow(minioPoolKind, s.pool, 'MinioPool lab/objects', s.view, s.fleet.executor, { nonce: () => minioNonce });
  assert.equal(report.error, undefined);
  assert.deepEqual(
    report.hosts.map((x) => x.subject),
    ['pi0', 'pi1', 'pi2', 'pi3'],
  );
  assert.ok(
    report.hosts.every((x) => x.steps.some((step) => step.name === 'restart')),
    'every Pi is rolled out',
  );
  assert.equal(s.fleet.mutatingCalls().length, 0, 'mutating commands sent by the plan');
  assert.equal(s.fleet.executor.calls.length, 4, 'one observe per Pi');
  const env = report.hosts[0]?.steps.find((x) => x.name === 'env');
  assert.equal(env?.note, 'a secret: content not shown');
  assert.equal(env.diff, undefined);

  const result = await minioReconciler.reconcile(s.pool, s.ctx);
  assert.ok(s.fleet.mutatingCalls().length > 0, 'the reconcile applied');
  assert.deepEqual(applied(result.events), printed(report));
});

void test('a refused resource is reported with its reason before anything is sent', async () => {
  const h = recordingHarness(freshCluster);
  const report = await planKindNow(glusterVolumeKind, vol1({}, { uid: '' }), 'GlusterVolume lab/vol1', h.view, h.executor, {
    nonce: () => glusterNonce,
  });
  assert.match(report.error ?? '', /^NoUid: /);
  assert.equal(h.executor.calls.length, 0);
});
