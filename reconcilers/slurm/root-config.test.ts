// Issue 16: slurm.conf settings that run programs as root need the root-equivalent opt-in, and
// text read from a Pi is checked before it goes into slurm.conf.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lab, partition } from './cluster-fixture.test-support.ts';
import { converge, reconcile } from './reconcile-loop.test-support.ts';
import { findCondition } from '../../crds/conditions.ts';
import { parseDeployedNodes } from './parse-observed.ts';
import { admit } from '../../crds/admission-for-tests.ts';

void test('extraConfig Prolog without allowRootPrograms is refused before anything is sent; with it, it is written', async () => {
  const l = lab();
  const p = partition('batch', { extraConfig: [{ name: 'prolog', value: '/usr/local/sbin/prolog' }] });
  const r = await reconcile(l, p);
  assert.equal(l.fleet.executor.calls.length, 0);
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'InvalidCluster');
  assert.match(
    findCondition(r.status.conditions, 'Ready')?.message ?? '',
    /extraConfig prolog runs or loads programs as root.*allowRootPrograms/,
  );
  p.spec.allowRootPrograms = true;
  await converge(l, p);
  assert.match(l.fleet.confs.get('pi1') ?? '', /^prolog=\/usr\/local\/sbin\/prolog$/m);
});

void test('admission: a root-program key is refused unless allowRootPrograms is true', () => {
  const p = partition('batch', { extraConfig: [{ name: 'HealthCheckProgram', value: '/tmp/x' }] });
  assert.match(
    admit('SlurmPartition', p)
      .causes.map((c) => c.message)
      .join(),
    /runs or loads programs as root/,
  );
  assert.deepEqual(admit('SlurmPartition', { ...p, spec: { ...p.spec, allowRootPrograms: true } }).causes, []);
});

void test('a controller hostname with a newline never reaches slurm.conf: InvalidControllerHostname, nothing sent', async () => {
  const l = lab();
  l.fleet.host('pi0').hostname = 'pi0\nProlog=/tmp/evil';
  const r = await reconcile(l, partition('batch'));
  assert.equal(findCondition(r.status.conditions, 'Ready')?.reason, 'InvalidControllerHostname');
  assert.deepEqual(l.fleet.mutatingCalls(), []);
  assert.ok(![...l.fleet.confs.values()].some((c) => c.includes('Prolog')));
});

void test('NodeName lines read back from the controller are used only when well formed', () => {
  const nodes = parseDeployedNodes(
    [
      'NodeName=pi1 NodeAddr=10.0.0.11 CPUs=4 RealMemory=670 State=UNKNOWN',
      'NodeName=pi2#x NodeAddr=10.0.0.12 CPUs=4 RealMemory=670',
      'NodeName=pi3 NodeAddr=a,Prolog=/x CPUs=4 RealMemory=670',
    ].join('\n'),
  );
  assert.deepEqual(
    nodes.map((n) => n.name),
    ['pi1'],
  );
});
