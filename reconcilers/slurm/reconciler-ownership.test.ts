// Issue 15 for Slurm: the cluster's StateSaveLocation is recorded and marked, a controller move
// is refused until the state was moved by hand (reproduction 8), a cluster of another namespace
// is never taken over, and a delete stops only what marker and record prove is this cluster's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { converge, reconcile, reconciler } from './reconcile-loop.test-support.ts';
import { lab, partition, piNode } from './cluster-fixture.test-support.ts';
import type { SlurmPartition } from './types.ts';
import { findCondition } from '../../crds/conditions.ts';
import { hostOwnerPath, stateOwnerPath } from './ownership.ts';

function withUid(p: SlurmPartition, uid: string): SlurmPartition {
  p.metadata.uid = uid;
  return p;
}

void test('a converged cluster records its StateSaveLocation in status and marks every Pi with the UID', async () => {
  const l = lab();
  const p = withUid(partition('batch'), 'uid-batch');
  const r = await converge(l, p);
  assert.deepEqual(r.status.stateSave, { node: 'pi0', path: '/var/lib/slurm/slurmctld', clusterUid: 'uid-batch' });
  assert.equal(l.fleet.host('pi0').stamps.get(stateOwnerPath), 'lab/bramble uid-batch');
  for (const n of ['pi0', 'pi1', 'pi2', 'pi3']) assert.equal(l.fleet.host(n).stamps.get(hostOwnerPath), 'lab/bramble uid-batch', n);
});

void test('moving the controller of a converged cluster is refused, nothing sent, until the state was moved by hand', async () => {
  const l = lab();
  const p = withUid(partition('batch'), 'uid-batch');
  await converge(l, p);
  p.spec.controller = 'pi1';
  l.fleet.forgetCalls();
  const refused = await reconcile(l, p);
  assert.deepEqual(l.fleet.mutatingCalls(), [], 'no slurmctld starts on pi1, nothing changes');
  const ready = findCondition(refused.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'ControllerMoveRefused');
  assert.match(ready?.message ?? '', /from pi0 to pi1.*systemctl disable --now slurmctld.*\/var\/lib\/slurm\/slurmctld/);
  assert.equal(findCondition(refused.status.conditions, 'Stalled')?.status, 'True');
  assert.ok(refused.events.some((e) => e.type === 'Warning' && e.reason === 'ControllerMoveRefused'));
  assert.equal(l.fleet.host('pi1').services.get('slurmctld')?.active, undefined);
  assert.equal(refused.status.stateSave?.node, 'pi0', 'the record still points at the state');

  // Copying the state without stopping the old slurmctld is still refused: two controllers.
  l.fleet.host('pi1').stamps.set(stateOwnerPath, 'lab/bramble uid-batch');
  l.fleet.forgetCalls();
  assert.equal(findCondition((await reconcile(l, p)).status.conditions, 'Ready')?.reason, 'ControllerMoveRefused');
  assert.deepEqual(l.fleet.mutatingCalls(), []);

  // The old one stopped as the message says: the move goes ahead and the record follows it.
  l.fleet.host('pi0').services.set('slurmctld', { active: false, enabled: false });
  const moved = await converge(l, p);
  assert.equal(l.fleet.host('pi1').services.get('slurmctld')?.active, true);
  assert.equal(moved.status.stateSave?.node, 'pi1');
});

void test('a cluster of the same name in another namespace is refused naming the owner; deleting it touches nothing', async () => {
  const l = lab();
  const owner = withUid(partition('batch'), 'uid-team-a');
  await converge(l, owner);
  // team-b: the same Pis, the same clusterName, its own namespace.
  for (const n of ['pi0', 'pi1', 'pi2', 'pi3']) {
    const pi = piNode(n, l.fleet.host(n).address, n === 'pi0' ? { role: 'controller' } : { slurm: 'compute' });
    pi.metadata.namespace = 'team-b';
    l.view.put({ ...pi, metadata: { ...pi.metadata, name: n } });
  }
  const intruder = withUid(partition('batch'), 'uid-team-b');
  intruder.metadata.namespace = 'team-b';
  l.view.objects.push(intruder);
  l.fleet.forgetCalls();
  const r = await reconciler.reconcile(intruder, l.ctx);
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'ClusterOwnedByAnother');
  assert.match(ready?.message ?? '', /belongs to Slurm cluster lab\/bramble \(SlurmPartition uid uid-team-a/);
  assert.deepEqual(l.fleet.mutatingCalls(), [], 'nothing taken over');
  assert.equal(r.status.stateSave, undefined);

  intruder.status = r.status;
  intruder.metadata.deletionTimestamp = '2026-11-25T10:00:00Z';
  l.fleet.forgetCalls();
  const fin = await reconciler.finalize?.(intruder, l.ctx);
  assert.equal(fin?.done, true);
  assert.equal(l.fleet.executor.calls.length, 0, 'a cluster that never rolled out sends nothing on delete');
  assert.equal(l.fleet.host('pi0').services.get('slurmctld')?.active, true, "team-a's controller still runs");
});

void test('a Pi running a Slurm daemon bramble did not set up is refused, not reconfigured', async () => {
  const l = lab();
  l.fleet.host('pi2').services.set('slurmd', { active: true, enabled: true });
  const r = await reconcile(l, withUid(partition('batch'), 'u1'));
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'NotCreatedByBramble');
  assert.match(findCondition(r.status.conditions, 'Ready')?.message ?? '', /PiNode pi2 runs slurmd or slurmctld/);
  assert.deepEqual(l.fleet.mutatingCalls(), []);
});

void test("deleting the last partition stops daemons only on Pis marked as this cluster's, and releases them", async () => {
  const l = lab();
  const p = withUid(partition('batch'), 'u1');
  await converge(l, p);
  l.fleet.host('pi2').stamps.set(hostOwnerPath, 'other/bramble u9');
  p.metadata.deletionTimestamp = '2026-11-25T10:05:00Z';
  l.view.put(p);
  const fin = await reconciler.finalize?.(p, l.ctx);
  assert.equal(fin?.done, true);
  assert.equal(l.fleet.host('pi2').services.get('slurmd')?.active, true, 'a Pi marked for another cluster is left alone');
  assert.equal(l.fleet.host('pi2').stamps.get(hostOwnerPath), 'other/bramble u9');
  for (const n of ['pi1', 'pi3']) {
    assert.equal(l.fleet.host(n).services.get('slurmd')?.active, false, n);
    assert.equal(l.fleet.host(n).stamps.get(hostOwnerPath), undefined, `${n} released`);
  }
  assert.equal(l.fleet.host('pi0').stamps.get(stateOwnerPath), 'lab/bramble u1', 'the state keeps its marker');
});
