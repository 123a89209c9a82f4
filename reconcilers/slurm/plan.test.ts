// The pure planner and cluster model, from hand-built observations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCluster, clusterProblems, controllerConflict, type ClusterPlanInput } from './cluster.ts';
import { ctldStamp, planCluster, planIsEmpty, slurmdIdentity, pendingStepsOf } from './plan.ts';
import {
  renderCgroupConf,
  renderSlurmConf,
  renderSlurmdDefaults,
  sha256,
  slurmConfPath,
  cgroupConfPath,
  slurmdDefaultsPath,
} from './slurm-conf.ts';
import type { HostObservation } from './parse-observed.ts';
import type { ScontrolNode } from './parse-scontrol.ts';
import { partition, piNode } from './cluster-fixture.test-support.ts';

const key = 'a'.repeat(64);
const mark = { cluster: 'lab/bramble', uid: 'u1' };
const pis = ['pi1', 'pi2'].map((n, i) => piNode(n, `10.0.0.1${i + 1}`, { slurm: 'compute' }));

function input(over: Partial<ClusterPlanInput> = {}): ClusterPlanInput {
  const batch = partition('batch');
  return {
    clusterName: 'bramble',
    partitions: [batch],
    retiring: new Set(),
    selected: new Map([['batch', pis]]),
    controller: { name: 'pi0', hostname: 'pi0', address: '10.0.0.10' },
    deployedNodes: [],
    ...over,
  };
}

function idle(name: string, extra: Partial<ScontrolNode> = {}): ScontrolNode {
  return {
    name,
    stateText: 'IDLE',
    base: 'IDLE',
    flags: [],
    partitions: ['batch'],
    registered: true,
    cpus: 4,
    cpusAllocated: 0,
    realMemoryMiB: 670,
    address: `10.0.0.1${name.slice(2)}`,
    ...extra,
  };
}

/** A host that already runs exactly what `model` wants. */
function converged(
  host: string,
  model: ReturnType<typeof buildCluster>,
  running: ScontrolNode[],
  cgroup: 'v1' | 'v2' = 'v2',
): HostObservation {
  const conf = renderSlurmConf(model.config);
  const isCtl = host === 'pi0';
  const isCompute = model.config.nodes.some((n) => n.name === host);
  const files = new Map([[slurmConfPath, sha256(conf)]]);
  if (isCompute) {
    files.set(cgroupConfPath, sha256(renderCgroupConf(cgroup)));
    files.set(slurmdDefaultsPath, sha256(renderSlurmdDefaults(host)));
  }
  return {
    hostname: host,
    cgroup,
    installed: new Set(['munge', 'slurm-client', 'slurmctld', 'slurmd']),
    mungeKey: { owner: 'munge', group: 'munge', mode: '400', sha256: key },
    files,
    services: new Map([
      ['munge', { active: true, enabled: true }],
      ['slurmd', { active: isCompute, enabled: isCompute }],
      ['slurmctld', { active: isCtl, enabled: isCtl }],
    ]),
    owner: 'lab/bramble u1',
    ...(isCtl ? { stateOwner: 'lab/bramble u1', ctldStamp: ctldStamp(model, conf) } : {}),
    ...(isCompute ? { slurmdStamp: slurmdIdentity(model, host, cgroup) } : {}),
    ...(isCtl
      ? {
          controller: {
            answers: true,
            nodes: running,
            partitions: [{ name: 'batch', state: 'UP' }],
            jobs: new Map(),
            deployedNodes: model.config.nodes,
          },
        }
      : {}),
  };
}

function observedFor(model: ReturnType<typeof buildCluster>, running: ScontrolNode[]): Map<string, HostObservation> {
  return new Map(['pi0', 'pi1', 'pi2'].map((h) => [h, converged(h, model, running)]));
}

void test('a converged cluster plans nothing', () => {
  const running = [idle('pi1'), idle('pi2')];
  const model = buildCluster(input({ running }));
  const plan = planCluster({
    model,
    confText: renderSlurmConf(model.config),
    mungeKeySha256: key,
    observed: observedFor(model, running),
    mark,
  });
  assert.ok(planIsEmpty(plan), JSON.stringify(pendingStepsOf(plan, 'pi0')));
});

void test('a new munge key restarts munge on every host and nothing else', () => {
  const running = [idle('pi1'), idle('pi2')];
  const model = buildCluster(input({ running }));
  const plan = planCluster({
    model,
    confText: renderSlurmConf(model.config),
    mungeKeySha256: 'b'.repeat(64),
    observed: observedFor(model, running),
    mark,
  });
  assert.deepEqual(
    pendingStepsOf(plan, 'pi0').map((s) => s.name),
    ['munge-key:pi0', 'munge-restart:pi0', 'munge-key:pi1', 'munge-restart:pi1', 'munge-key:pi2', 'munge-restart:pi2'],
  );
});

void test('a new controller restarts slurmctld and every slurmd (they must find the new one)', () => {
  const running = [idle('pi1'), idle('pi2')];
  const before = buildCluster(input({ running }));
  const observed = observedFor(before, running);
  const after = buildCluster(input({ running, controller: { name: 'pi0', hostname: 'pi0', address: '10.0.0.99' } }));
  const plan = planCluster({ model: after, confText: renderSlurmConf(after.config), mungeKeySha256: key, observed, mark });
  const names = pendingStepsOf(plan, 'pi0').map((s) => s.name);
  assert.ok(names.includes('slurmctld-restart:pi0'));
  assert.ok(names.includes('slurmd-restart:pi1') && names.includes('slurmd-restart:pi2'));
});

void test('a host whose cgroup is v1 gets CgroupPlugin=cgroup/v1, and only its slurmd restarts', () => {
  const running = [idle('pi1'), idle('pi2')];
  const model = buildCluster(input({ running }));
  const observed = observedFor(model, running);
  observed.set('pi2', { ...converged('pi2', model, running, 'v2'), cgroup: 'v1' });
  const plan = planCluster({ model, confText: renderSlurmConf(model.config), mungeKeySha256: key, observed, mark });
  assert.deepEqual(
    pendingStepsOf(plan, 'pi0').map((s) => s.name),
    ['cgroup-conf:pi2', 'slurmd-restart:pi2'],
  );
  assert.match(plan.hosts.find((h) => h.host === 'pi2')?.prepare[0]?.command ?? '', /CgroupPlugin=cgroup\/v1/);
});

void test('a node bramble drained and that is selected again is resumed; an admin drain never is', () => {
  const running = [
    idle('pi1', { flags: ['DRAIN'], stateText: 'IDLE+DRAIN', reason: 'bramble: left selector' }),
    idle('pi2', { flags: ['DRAIN'], stateText: 'IDLE+DRAIN', reason: 'disk' }),
  ];
  const model = buildCluster(input({ running }));
  assert.deepEqual(model.resume, ['pi1']);
  const plan = planCluster({
    model,
    confText: renderSlurmConf(model.config),
    mungeKeySha256: key,
    observed: observedFor(model, running),
    mark,
  });
  assert.deepEqual(
    plan.controller.map((s) => s.name),
    ['resume:pi1'],
  );
  assert.match(plan.controller[0]?.command ?? '', /grep -q ' Reason=bramble:'/, 'the resume re-checks the reason first');
});

void test('leaving nodes: drain, wait while busy, remove when idle; kept while slurmctld is silent', () => {
  const only1 = new Map([['batch', [pis[0]!]]]);
  const drain = buildCluster(
    input({ selected: only1, running: [idle('pi1'), idle('pi2', { base: 'MIXED', stateText: 'MIXED', cpusAllocated: 1 })] }),
  );
  assert.deepEqual(drain.leaving, [{ name: 'pi2', action: 'drain' }]);
  assert.ok(drain.config.nodes.some((n) => n.name === 'pi2'));
  assert.deepEqual(drain.config.partitions[0]?.nodes, ['pi1', 'pi2'], 'it stays in its partition while it drains');

  const wait = buildCluster(
    input({ selected: only1, running: [idle('pi1'), idle('pi2', { base: 'MIXED', flags: ['DRAIN'], cpusAllocated: 1 })] }),
  );
  assert.deepEqual(wait.leaving, [{ name: 'pi2', action: 'wait' }]);

  const remove = buildCluster(input({ selected: only1, running: [idle('pi1'), idle('pi2', { flags: ['DRAIN'] })] }));
  assert.deepEqual(remove.leaving, [{ name: 'pi2', action: 'remove' }]);
  assert.ok(!remove.config.nodes.some((n) => n.name === 'pi2'));

  const silent = buildCluster(
    input({ selected: only1, deployedNodes: [{ name: 'pi2', address: '10.0.0.12', cpus: 4, realMemoryMiB: 670 }] }),
  );
  assert.deepEqual(silent.leaving, [{ name: 'pi2', action: 'wait' }]);
  assert.ok(
    silent.config.nodes.some((n) => n.name === 'pi2'),
    'without slurmctld nothing is removed',
  );
});

void test('a selected PiNode without facts waits outside the config', () => {
  const bare = { ...pis[1]!, status: {} };
  const model = buildCluster(input({ selected: new Map([['batch', [pis[0]!, bare]]]) }));
  assert.deepEqual(model.waitingForFacts, ['pi2']);
  assert.deepEqual(model.members, ['pi1']);
});

void test('cluster problems: controller conflict, conflicting extraConfig, two defaults', () => {
  const a = partition('a', { default: true, extraConfig: [{ name: 'KillWait', value: '30' }] });
  const b = partition('b', { default: true, controller: 'pi9', extraConfig: [{ name: 'KillWait', value: '60' }] });
  assert.equal(controllerConflict([a, b]), 'a → pi0; b → pi9');
  const problems = clusterProblems([a, b]).join('\n');
  assert.match(problems, /disagree about the controller/);
  assert.match(problems, /set KillWait differently/);
  assert.match(problems, /more than one default partition: a, b/);
  assert.deepEqual(clusterProblems([partition('c')]), []);
});
