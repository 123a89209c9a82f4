// The reconciler against fake Pis behind the recording executor (the SSH edge): fresh install,
// idempotence, the minimal reaction to each kind of change, drains, deletion.
import { test } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import assert from 'node:assert/strict';
import { converge, reconcile, reconciler } from './reconcile-loop.test-support.ts';
import { lab, partition, piNode, mungeKey, RecordingSecretCreator, type Lab } from './cluster-fixture.test-support.ts';
import { createSlurmPartitionReconciler } from './reconciler.ts';
import { isConditionTrue, findCondition } from '../../crds/conditions.ts';
import { mungeKeyPath } from './observe-script.ts';

const restarts = (l: Lab) =>
  l.fleet
    .mutatingCalls()
    .filter((c) => /systemctl (restart|start) /.test(c.command))
    .map((c) => `${c.host}:${/systemctl (?:restart|start) '([a-z]+)'/.exec(c.command)?.[1]}`)
    .sort();

void test('a fresh cluster gets packages, the munge key, one slurm.conf everywhere and running daemons, then Ready', async () => {
  const l = lab();
  const p = partition('batch', { default: true });
  const first = await reconcile(l, p);
  assert.equal(first.status.conditions?.find((c) => c.type === 'Ready')?.reason, 'Converging');
  for (const name of ['pi0', 'pi1', 'pi2', 'pi3']) {
    const h = l.fleet.host(name);
    assert.ok(h.installed.has('munge') && h.installed.has('slurm-client'), `${name} has munge`);
    assert.deepEqual(h.mungeKey?.owner, 'munge');
    assert.equal(h.mungeKey?.mode, '400');
    assert.equal(h.files.get('/etc/slurm/slurm.conf'), first.status.configHash, `${name} holds the one slurm.conf`);
  }
  assert.ok(l.fleet.host('pi0').installed.has('slurmctld'));
  assert.ok(!l.fleet.host('pi0').installed.has('slurmd'), 'the controller is not selected, so no slurmd there');
  assert.ok(l.fleet.host('pi1').installed.has('slurmd'));
  // The munge key went over stdin, never inside a command line.
  const keyText = mungeKey.toString('latin1');
  for (const c of l.fleet.executor.calls) assert.ok(!c.command.includes(keyText));
  const keyWrites = l.fleet.executor.calls.filter((c) => c.command.includes(mungeKeyPath) && c.command.includes('bramble-write'));
  assert.equal(keyWrites.length, 4);

  l.fleet.forgetCalls();
  const second = await reconcile(l, p);
  assert.deepEqual(l.fleet.mutatingCalls(), [], 'the second reconcile changes nothing');
  assert.equal(l.fleet.executor.calls.length, 4, 'one observe per host');
  assert.ok(isConditionTrue(second.status.conditions, 'Ready'), findCondition(second.status.conditions, 'Ready')?.message);
  assert.equal(second.status.partitionState, 'UP');
  assert.deepEqual(second.status.nodeCounts, { total: 3, idle: 3, allocated: 0, mixed: 0, drained: 0, down: 0 });
  assert.deepEqual(
    second.status.nodes?.map((n) => n.name),
    ['pi1', 'pi2', 'pi3'],
  );
});

void test('a partition-only change is one scontrol reconfigure and no restart', async () => {
  const l = lab();
  const p = partition('batch');
  await converge(l, p);
  l.fleet.forgetCalls();
  p.spec.maxTime = '2:00:00';
  p.metadata.generation = 2;
  await reconcile(l, p);
  const calls = l.fleet.mutatingCalls();
  assert.deepEqual(restarts(l), [], 'no daemon restarts');
  assert.equal(calls.filter((c) => c.command.includes('scontrol reconfigure')).length, 1);
  assert.equal(calls.find((c) => c.command.includes('scontrol reconfigure'))?.host, 'pi0');
  assert.equal(l.fleet.reconfigures, 1);
  // Everything else is the new slurm.conf, once per host.
  assert.deepEqual(
    calls
      .filter((c) => !c.command.includes('scontrol reconfigure'))
      .map((c) => c.host)
      .sort(),
    ['pi0', 'pi1', 'pi2', 'pi3'],
  );
});

void test('a node joining restarts slurmctld and starts only the new slurmd', async () => {
  const l = lab(3);
  const p = partition('batch');
  await converge(l, p);
  const { freshHost } = await import('./fake-slurm-host.test-support.ts');
  const pi4 = freshHost('pi4', '10.0.0.14');
  l.fleet.hosts.set(pi4.address, pi4);
  l.view.put(piNode('pi4', '10.0.0.14', { slurm: 'compute' }));
  l.fleet.forgetCalls();
  await reconcile(l, p);
  assert.deepEqual(restarts(l), ['pi0:slurmctld', 'pi4:munge', 'pi4:slurmd']);
  assert.equal(l.fleet.reconfigures, 0);
  const after = await converge(l, p);
  assert.equal(after.status.nodeCounts?.total, 4);
});

void test('an admin-drained node stays drained and is reported; Ready says why', async () => {
  const l = lab();
  const p = partition('batch');
  await converge(l, p);
  l.fleet.slurm.set('pi2', { base: 'IDLE', flags: ['DRAIN'], reason: 'fan broken, see ticket 42' });
  for (let i = 0; i < 2; i++) {
    l.fleet.forgetCalls();
    const r = await reconcile(l, p);
    assert.deepEqual(l.fleet.mutatingCalls(), [], 'nothing is sent to undrain it');
    assert.equal(findCondition(r.status.conditions, 'Ready')?.status, 'False');
    assert.match(
      findCondition(r.status.conditions, 'Ready')?.message ?? '',
      /pi2 is IDLE\+DRAIN: fan broken, see ticket 42 \(drained by an admin/,
    );
    assert.equal(r.status.nodes?.find((n) => n.name === 'pi2')?.reason, 'fan broken, see ticket 42');
    assert.equal(r.status.nodeCounts?.drained, 1);
  }
});

void test('a node leaving the selector is drained first and removed from slurm.conf only once idle', async () => {
  const l = lab();
  const p = partition('batch');
  await converge(l, p);
  l.fleet.slurm.set('pi3', { base: 'MIXED', flags: [], cpusAllocated: 2 });
  l.fleet.jobs = ['7|batch|RUNNING|pi3'];
  l.view.put(piNode('pi3', '10.0.0.13', { slurm: 'retired' }));

  l.fleet.forgetCalls();
  await reconcile(l, p);
  const drains = l.fleet.mutatingCalls().filter((c) => c.command.includes('state=drain'));
  assert.equal(drains.length, 1);
  assert.match(drains[0]?.command ?? '', /scontrol update nodename='pi3' state=drain reason='bramble: left selector'/);
  assert.equal(drains[0]?.host, 'pi0');
  assert.match(l.fleet.confs.get('pi0') ?? 'NodeName=pi3', /NodeName=pi3 /, 'still in slurm.conf while its job runs');

  // Still running: nothing more happens, it stays in the config.
  l.fleet.forgetCalls();
  await reconcile(l, p);
  assert.deepEqual(l.fleet.mutatingCalls(), []);

  // The job finished: the node leaves the config, slurmctld restarts, slurmd on pi3 stops.
  l.fleet.slurm.set('pi3', { base: 'IDLE', flags: ['DRAIN'], reason: 'bramble: left selector' });
  l.fleet.jobs = [];
  l.fleet.forgetCalls();
  await reconcile(l, p);
  assert.doesNotMatch(l.fleet.confs.get('pi0') ?? '', /NodeName=pi3 /);
  assert.deepEqual(restarts(l), ['pi0:slurmctld']);
  assert.ok(l.fleet.mutatingCalls().some((c) => c.host === 'pi3' && c.command.includes("disable -q --now 'slurmd'")));
  assert.equal(l.fleet.host('pi3').services.get('slurmd')?.active, false);
  assert.ok(l.fleet.host('pi3').installed.has('slurmd'), 'packages stay');
  const done = await converge(l, p);
  assert.equal(done.status.nodeCounts?.total, 2);
});

void test('partitions that disagree about the controller are Stalled, naming them, and nothing is sent', async () => {
  const l = lab();
  l.view.put(partition('debug', { controller: 'pi1' }));
  const r = await reconcile(l, partition('batch'));
  assert.equal(l.fleet.executor.calls.length, 0);
  const stalled = findCondition(r.status.conditions, 'Stalled');
  assert.equal(stalled?.status, 'True');
  assert.match(stalled?.message ?? '', /batch → pi0; debug → pi1/);
});

void test('a missing munge key Secret is created with a random key and announced', async () => {
  const l = lab();
  l.view.secrets.delete('munge');
  const creator = new RecordingSecretCreator(l.view);
  const p = partition('batch');
  l.view.put(p);
  const r = await createSlurmPartitionReconciler().reconcile(p, { ...l.ctx, secrets: creator });
  assert.equal(creator.created.length, 1);
  assert.equal(creator.created[0]?.data['munge.key']?.length, 128);
  assert.ok(r.events.some((e) => e.reason === 'MungeKeyCreated'));
  assert.ok(!JSON.stringify(r).includes(creator.created[0]?.data['munge.key']?.toString('base64') ?? 'x'));

  const bare = lab();
  bare.view.secrets.delete('munge');
  const without = await createSlurmPartitionReconciler().reconcile(partition('batch'), bare.ctx);
  assert.equal(findCondition(without.status.conditions, 'Ready')?.reason, 'MungeKeySecretMissing');
  assert.equal(bare.fleet.executor.calls.length, 0, 'nothing is sent without a key');
});

void test('the munge key Secret deleted from a running cluster: the Pis keep their key, the partition stalls and asks for it back', async () => {
  const l = lab();
  const p = partition('batch');
  l.view.put(p);
  const first = await converge(l, p);
  p.status = first.status;
  l.view.put(p);
  const keysBefore = [...l.fleet.hosts.values()].map((h) => h.files.get('/etc/munge/munge.key'));
  l.view.secrets.delete('munge');
  const creator = new RecordingSecretCreator(l.view);
  l.fleet.forgetCalls();
  const r = await createSlurmPartitionReconciler().reconcile(p, { ...l.ctx, secrets: creator });
  assert.equal(creator.created.length, 0, 'no new key');
  assert.deepEqual(l.fleet.mutatingCalls(), [], 'nothing is changed on the Pis');
  assert.deepEqual(
    [...l.fleet.hosts.values()].map((h) => h.files.get('/etc/munge/munge.key')),
    keysBefore,
  );
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'MungeKeySecretMissing');
  assert.match(ready?.message ?? '', /nodes keep the munge key they share\. Restore the Secret/);
  assert.equal(findCondition(r.status.conditions, 'Stalled')?.status, 'True');
  assert.equal(r.status.configHash, first.status.configHash, 'what the cluster runs stays in status');
  assert.ok(r.events.some((e) => e.type === 'Warning' && e.reason === 'MungeKeySecretMissing'));
});

void test('a node still booting holds every change back until it is up; then the cluster converges', async () => {
  const l = lab();
  const p = partition('batch');
  l.view.put(p);
  const booting = [...l.fleet.hosts.values()].find((h) => h.name === 'pi2');
  assert.ok(booting);
  booting.bootState = 'starting 7.25';
  const r = await reconcile(l, p);
  assert.deepEqual(l.fleet.mutatingCalls(), [], 'nothing is installed or written anywhere while pi2 boots');
  const ready = findCondition(r.status.conditions, 'Ready');
  assert.equal(ready?.reason, 'HostBooting');
  assert.match(ready?.message ?? '', /waiting for pi2 to finish booting/);
  assert.equal(r.requeueAfterMs, 5_000);
  booting.bootState = 'degraded 61.00';
  const done = await converge(l, p);
  assert.equal(findCondition(done.status.conditions, 'Ready')?.status, 'True');
});

void test('deleting a partition with others left removes only its line; the last one stops the daemons', async () => {
  const l = lab();
  const batch = partition('batch', { default: true });
  const debug = partition('debug', { nodeSelector: { matchLabels: { slurm: 'compute' } } });
  l.view.put(debug);
  await converge(l, batch);
  await converge(l, debug);
  assert.match(l.fleet.confs.get('pi0') ?? '', /PartitionName=debug /);

  debug.metadata.deletionTimestamp = '2026-11-25T10:00:00Z';
  l.view.put(debug);
  l.fleet.forgetCalls();
  const fin = await reconciler.finalize?.(debug, l.ctx);
  assert.equal(fin?.done, true);
  assert.doesNotMatch(l.fleet.confs.get('pi0') ?? '', /PartitionName=debug /);
  assert.match(l.fleet.confs.get('pi0') ?? '', /PartitionName=batch /);
  assert.deepEqual(restarts(l), [], 'a partition-only change: reconfigure, no restart');
  l.view.objects = l.view.objects.filter((o) => o.metadata.name !== 'debug');

  batch.metadata.deletionTimestamp = '2026-11-25T10:05:00Z';
  l.view.put(batch);
  l.fleet.forgetCalls();
  const last = await reconciler.finalize?.(batch, l.ctx);
  assert.equal(last?.done, true);
  assert.equal(l.fleet.host('pi0').services.get('slurmctld')?.active, false);
  for (const n of ['pi1', 'pi2', 'pi3']) assert.equal(l.fleet.host(n).services.get('slurmd')?.active, false);
  assert.ok(l.fleet.host('pi0').installed.has('slurmctld'), 'packages stay');
  assert.ok(l.fleet.host('pi1').files.has('/etc/slurm/slurm.conf'), 'files stay');
});

void test('a failing step stops the cluster before slurmctld reloads, and says which', async () => {
  const l = lab();
  const p = partition('batch');
  await converge(l, p);
  l.fleet.failCommand = /replace_file '\/etc\/slurm\/slurm.conf'/;
  p.spec.maxTime = '60';
  l.fleet.forgetCalls();
  const r = await reconcile(l, p);
  assert.equal(l.fleet.reconfigures, 0, 'no reconfigure while a host has the old file');
  assert.match(findCondition(r.status.conditions, 'Stalled')?.message ?? '', /step slurm-conf on pi\d failed/);
  l.fleet.failCommand = undefined;
  await reconcile(l, p);
  assert.equal(l.fleet.reconfigures, 1, 'the retry finishes the job');
});

void test('a paused PiNode is planned for but never changed, and the reload waits for it', async () => {
  const l = lab();
  const p = partition('batch');
  await converge(l, p);
  const pi2 = piNode('pi2', '10.0.0.12', { slurm: 'compute' });
  pi2.spec.paused = true;
  l.view.put(pi2);
  p.spec.maxTime = '30';
  l.fleet.forgetCalls();
  const r = await reconcile(l, p);
  assert.ok(!l.fleet.mutatingCalls().some((c) => c.host === 'pi2'), 'nothing is sent to the paused Pi');
  assert.equal(l.fleet.reconfigures, 0, 'no reconfigure while pi2 has the old file');
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'NodesPaused');
  assert.ok(r.status.pendingSteps?.some((s) => s.name === 'slurm-conf:pi2'));
});

void test('deleting a partition that still runs jobs keeps it as State=DRAIN until they finish', async () => {
  const l = lab();
  const batch = partition('batch');
  const debug = partition('debug');
  l.view.put(debug);
  await converge(l, batch);
  await converge(l, debug);
  l.fleet.jobs = ['5|debug|RUNNING|pi1'];
  debug.metadata.deletionTimestamp = '2026-11-25T10:00:00Z';
  l.view.put(debug);
  const waiting = await reconciler.finalize?.(debug, l.ctx);
  assert.equal(waiting?.done, false);
  assert.match(l.fleet.confs.get('pi0') ?? '', /PartitionName=debug .*State=DRAIN/);
  l.fleet.jobs = [];
  const done = await reconciler.finalize?.(debug, l.ctx);
  assert.equal(done?.done, true);
  assert.doesNotMatch(l.fleet.confs.get('pi0') ?? '', /PartitionName=debug /);
});

void test('a controller that is also a compute node runs both daemons and converges', async () => {
  const l = lab(2);
  l.view.put(piNode('pi0', '10.0.0.10', { slurm: 'compute' }));
  const p = partition('batch');
  const first = await reconcile(l, p);
  assert.deepEqual(
    restarts(l).filter((r) => r.startsWith('pi0')),
    ['pi0:munge', 'pi0:slurmctld', 'pi0:slurmd'],
  );
  assert.ok(
    first.events.some((e) => e.reason === 'SlurmConfigWritten' && e.message.includes('pi0, pi1, pi2')),
    'one Event per change, naming the hosts',
  );
  const done = await converge(l, p);
  assert.ok(isConditionTrue(done.status.conditions, 'Ready'), findCondition(done.status.conditions, 'Ready')?.message);
  assert.equal(done.status.nodeCounts?.total, 3);
});

void test("a secret in a failing step's output reaches neither status nor Events: the munge key and every host's SSH key are masked", async () => {
  const l = lab();
  // pi3 logs in with a key of its own; the other hosts' failing step echoes a line of it.
  const pi3Key = generateKeyPairSync('ec', {
    namedCurve: 'prime256v1',
    privateKeyEncoding: { type: 'sec1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  }).privateKey;
  const keyLine = pi3Key.split('\n')[1] ?? '';
  assert.ok(keyLine.length >= 60, 'a line of the key body');
  const pi3 = piNode('pi3', '10.0.0.13', { slurm: 'compute' });
  pi3.spec.ssh.privateKeySecretRef = { name: 'pi3-ssh' };
  l.view.put(pi3);
  l.view.secrets.set('pi3-ssh', { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(pi3Key) } });
  const p = partition('batch');
  await converge(l, p);
  const munge = mungeKey.toString('base64');
  l.fleet.failCommand = /replace_file '\/etc\/slurm\/slurm.conf'/;
  l.fleet.failureStderr = `munge key ${munge} rejected; ssh key ${keyLine} rejected`;
  p.spec.maxTime = '60';
  const r = await reconcile(l, p);
  const stalled = findCondition(r.status.conditions, 'Stalled');
  assert.match(stalled?.message ?? '', /step slurm-conf on pi[0-2] failed: .*munge key \*\*\* rejected; ssh key \*\*\* rejected/);
  const text = JSON.stringify(r);
  assert.equal(text.includes(munge), false, 'the munge key is nowhere in status or Events');
  assert.equal(text.includes(keyLine), false, "pi3's SSH key is nowhere in status or Events");
});
