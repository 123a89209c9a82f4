import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  defaultMemPerCpuMiB,
  extraConfigProblems,
  isManagedKey,
  renderCgroupConf,
  renderSlurmConf,
  renderSlurmdDefaults,
  sha256,
} from './slurm-conf.ts';
import { realMemoryMiB } from './real-memory.ts';
import type { SlurmClusterConfig } from './types.ts';

const pi3bPlusMemTotal = 948_304 * 1024; // MemTotal of a Pi 3B+ on Raspberry Pi OS bookworm, in bytes

function cluster(): SlurmClusterConfig {
  return {
    clusterName: 'bramble',
    controller: { name: 'pi0', hostname: 'pi0', address: '10.0.0.10' },
    nodes: [
      { name: 'pi2', address: '10.0.0.12', cpus: 4, realMemoryMiB: realMemoryMiB(pi3bPlusMemTotal, 256) },
      { name: 'pi1', address: '10.0.0.11', cpus: 4, realMemoryMiB: 3500 },
    ],
    partitions: [
      { name: 'long', nodes: ['pi2', 'pi1'], default: false, maxTime: '7-00:00:00', state: 'UP' },
      { name: 'batch', nodes: ['pi1'], default: true, maxTime: 'UNLIMITED', state: 'UP' },
    ],
    extraConfig: [
      { name: 'SchedulerType', value: 'sched/builtin' },
      { name: 'KillWait', value: '60' },
    ],
  };
}

void test('RealMemory of a 1 GiB Pi 3B+ leaves 256 MiB to the OS and never exceeds what slurmd sees', () => {
  assert.equal(realMemoryMiB(pi3bPlusMemTotal, 256), 670);
  assert.equal(realMemoryMiB(100 * 1024 * 1024, 256), 1, 'never zero or negative');
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 36 }), fc.integer({ min: 0, max: 65536 }), (bytes, reserved) => {
      const m = realMemoryMiB(bytes, reserved);
      return m >= 1 && (m === 1 || m * 1024 * 1024 <= bytes - reserved * 1024 * 1024);
    }),
  );
});

void test('slurm.conf holds the cluster, the controller, one sorted line per node and partition', () => {
  const text = renderSlurmConf(cluster());
  const lines = text.trimEnd().split('\n');
  assert.ok(lines.includes('ClusterName=bramble'));
  assert.ok(lines.includes('SlurmctldHost=pi0(10.0.0.10)'));
  assert.ok(lines.includes('AuthType=auth/munge'));
  assert.ok(lines.includes('ProctrackType=proctrack/linuxproc'));
  assert.ok(lines.includes('ReturnToService=2'));
  assert.ok(lines.includes('StateSaveLocation=/var/lib/slurm/slurmctld'));
  assert.ok(lines.includes('SlurmdSpoolDir=/var/lib/slurm/slurmd'));
  const nodeLines = lines.filter((l) => l.startsWith('NodeName='));
  assert.deepEqual(nodeLines, [
    'NodeName=pi1 NodeAddr=10.0.0.11 CPUs=4 RealMemory=3500 State=UNKNOWN',
    'NodeName=pi2 NodeAddr=10.0.0.12 CPUs=4 RealMemory=670 State=UNKNOWN',
  ]);
  assert.deepEqual(
    lines.filter((l) => l.startsWith('PartitionName=')),
    [
      'PartitionName=batch Nodes=pi1 Default=YES MaxTime=UNLIMITED State=UP',
      'PartitionName=long Nodes=pi1,pi2 Default=NO MaxTime=7-00:00:00 State=UP',
    ],
  );
  // extraConfig overrides a default in place and adds the rest, sorted.
  assert.ok(lines.includes('SchedulerType=sched/builtin'));
  assert.ok(!lines.includes('SchedulerType=sched/backfill'));
  assert.ok(lines.includes('KillWait=60'));
  // The smallest node has 670 MiB for 4 CPUs.
  assert.ok(lines.includes('DefMemPerCPU=167'));
  assert.equal(
    new Set(lines.map((l) => l.split('=')[0]).filter((k) => k !== 'NodeName' && k !== 'PartitionName')).size,
    lines.filter((l) => !l.startsWith('NodeName=') && !l.startsWith('PartitionName=')).length,
    'no key is written twice',
  );
});

void test('the same cluster in any order gives the same bytes (and hash)', () => {
  const base = cluster();
  fc.assert(
    fc.property(fc.boolean(), fc.boolean(), fc.boolean(), (a, b, c) => {
      const shuffled: SlurmClusterConfig = {
        ...base,
        nodes: a ? [...base.nodes].reverse() : base.nodes,
        partitions: (b ? [...base.partitions].reverse() : base.partitions).map((p) => ({
          ...p,
          nodes: c ? [...p.nodes].reverse() : p.nodes,
        })),
        extraConfig: c ? [...base.extraConfig].reverse() : base.extraConfig,
      };
      return sha256(renderSlurmConf(shuffled)) === sha256(renderSlurmConf(base));
    }),
  );
});

void test('extraConfig may not set what bramble manages, in any letter case', () => {
  assert.ok(isManagedKey('ClusterName'));
  assert.ok(isManagedKey('clustername'), 'slurm.conf keys are case-insensitive');
  assert.ok(isManagedKey('SLURMCTLDHOST'));
  assert.ok(isManagedKey('StateSaveLocation'));
  assert.ok(!isManagedKey('SchedulerType'));
  assert.deepEqual(extraConfigProblems([{ name: 'SchedulerType', value: 'sched/backfill' }]), []);
  assert.match(extraConfigProblems([{ name: 'Clustername', value: 'evil' }]).join(), /may not set Clustername/);
  assert.match(extraConfigProblems([{ name: 'KillWait', value: '30\nNodeName=x' }]).join(), /not one plain word/);
  assert.match(
    extraConfigProblems([
      { name: 'KillWait', value: '30' },
      { name: 'killwait', value: '60' },
    ]).join(),
    /twice/,
  );
});

void test('DefMemPerCPU follows the smallest node, and an explicit setting wins', () => {
  assert.equal(
    defaultMemPerCpuMiB([
      { name: 'a', address: 'a', cpus: 4, realMemoryMiB: 670 },
      { name: 'b', address: 'b', cpus: 4, realMemoryMiB: 3500 },
    ]),
    167,
  );
  assert.equal(defaultMemPerCpuMiB([]), undefined);
  const text = renderSlurmConf({ ...cluster(), extraConfig: [{ name: 'DefMemPerCPU', value: '100' }] });
  assert.deepEqual(
    text.split('\n').filter((l) => l.startsWith('DefMemPerCPU=')),
    ['DefMemPerCPU=100'],
  );
});

void test('cgroup.conf names the mounted cgroup version; slurmd is told its NodeName', () => {
  assert.match(renderCgroupConf('v2'), /^CgroupPlugin=cgroup\/v2$/m);
  assert.match(renderCgroupConf('v1'), /^CgroupPlugin=cgroup\/v1$/m);
  assert.match(renderSlurmdDefaults('pi3'), /^SLURMD_OPTIONS="-N pi3"$/m);
});

void test('the generator still produces the slurm.conf that slurmctld 22.05 accepted (fixtures/README.md)', async () => {
  const { readFileSync } = await import('node:fs');
  const accepted = readFileSync(new URL('./fixtures/live-accepted-slurm.conf', import.meta.url), 'utf8');
  const text = renderSlurmConf({
    clusterName: 'bramble',
    controller: { name: 'pi0', hostname: 'pi0', address: '10.99.0.1' },
    nodes: [{ name: 'pi1', address: '127.0.0.1', cpus: 2, realMemoryMiB: 23849 }],
    partitions: [
      { name: 'batch', nodes: ['pi1'], default: true, maxTime: 'UNLIMITED', state: 'UP' },
      { name: 'long', nodes: ['pi1'], default: false, maxTime: '2:00:00', state: 'UP' },
    ],
    extraConfig: [{ name: 'KillWait', value: '10' }],
  });
  assert.equal(text, accepted, 'the generator changed: re-check the new output against a real slurmctld, then update the fixture');
  assert.equal(renderCgroupConf('v1'), readFileSync(new URL('./fixtures/live-accepted-cgroup.conf', import.meta.url), 'utf8'));
});
