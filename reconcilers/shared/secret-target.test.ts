// Issue 16: Secret material goes only to a Pi whose host key is pinned or recorded by the PiNode
// reconciler. Checked here for the shared rule, and through the Slurm reconciler (the munge key).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostKeyNotRecorded, secretTargetFor } from './secret-target.ts';
import { lab, partition, piNode } from '../slurm/cluster-fixture.test-support.ts';
import { reconcile } from '../slurm/reconcile-loop.test-support.ts';
import { findCondition } from '../../crds/conditions.ts';
import { mungeKeyPath } from '../slurm/observe-script.ts';

/** The lab, with one PiNode whose host key the PiNode reconciler has not recorded yet. */
function labWithUnrecorded(name: string, address: string, labels: Record<string, string>) {
  const l = lab();
  const node = piNode(name, address, labels);
  delete node.status?.hostKey;
  l.view.put(node);
  return l;
}

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIRecordedRecordedRecordedRecordedRecorded';

void test('TrustOnFirstUse without status.hostKey is HostKeyNotRecorded; pinned or recorded keys pass, and the target holds to them', () => {
  const fresh = piNode('pi9', '10.0.0.99', {});
  delete fresh.status?.hostKey;
  assert.match(hostKeyNotRecorded(fresh) ?? '', /^HostKeyNotRecorded: /);
  const l = lab();
  assert.deepEqual(secretTargetFor(fresh, l.view), { ok: false, reason: 'HostKeyNotRecorded', message: hostKeyNotRecorded(fresh) });
  const recorded = { ...fresh, status: { hostKey: key } };
  const t = secretTargetFor(recorded, l.view);
  assert.ok(t.ok && t.target.hostKey.policy === 'TrustOnFirstUse' && t.target.hostKey.known === key);
  const pinned = { ...fresh, spec: { ...fresh.spec, ssh: { ...fresh.spec.ssh, hostKeyPolicy: 'Pinned' as const, hostKey: key } } };
  assert.equal(hostKeyNotRecorded(pinned), undefined);
  const pinnedWithout = { ...pinned, spec: { ...pinned.spec, ssh: { ...pinned.spec.ssh, hostKey: undefined } } };
  assert.match(hostKeyNotRecorded(pinnedWithout) ?? '', /HostKeyNotRecorded/);
});

void test('Slurm: a controller whose key is not recorded gets nothing, not even an observe; the check is redone next time', async () => {
  const l = labWithUnrecorded('pi0', '10.0.0.10', { role: 'controller' });
  const p = partition('batch');
  const r = await reconcile(l, p);
  assert.equal(l.fleet.executor.calls.length, 0);
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'HostKeyNotRecorded');
  l.view.put(piNode('pi0', '10.0.0.10', { role: 'controller' }));
  await reconcile(l, p);
  assert.ok(l.fleet.executor.calls.length > 0, 'once recorded, the cluster proceeds');
});

void test('Slurm: a compute node whose key is not recorded gets no munge key and no command; the others get theirs', async () => {
  const l = labWithUnrecorded('pi2', '10.0.0.12', { slurm: 'compute' });
  const p = partition('batch');
  await reconcile(l, p);
  const r = await reconcile(l, p);
  assert.ok(!l.fleet.executor.calls.some((c) => c.target.host === '10.0.0.12'), 'nothing is sent to pi2');
  assert.equal(l.fleet.host('pi2').mungeKey, undefined);
  assert.ok(l.fleet.host('pi1').mungeKey, 'pi1 got the key');
  assert.ok(l.fleet.executor.calls.some((c) => c.command.includes(mungeKeyPath) && c.target.host === '10.0.0.11'));
  assert.match(JSON.stringify(r.status.conditions), /pi2: HostKeyNotRecorded/);
});
