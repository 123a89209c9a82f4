// Parsers against recorded Slurm 22.05 output (fixtures/README.md says which are live).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { categoryOf, drainedByBramble, hasJobs, parseNodeState, parseScontrolNodes, usable } from './parse-scontrol.ts';
import { controllerAnswers, parseSinfoPartitions, parseSqueueCounts } from './parse-sinfo.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

void test('idle nodes: name, state, CPUs, memory, address, partitions, registration', () => {
  const [pi1, pi2] = parseScontrolNodes(fixture('live-scontrol-idle.txt'));
  assert.equal(pi1?.name, 'pi1');
  assert.equal(pi1?.stateText, 'IDLE');
  assert.deepEqual(pi1?.flags, []);
  assert.equal(pi1?.cpus, 2);
  assert.equal(pi1?.cpusAllocated, 0);
  assert.equal(pi1?.realMemoryMiB, 512);
  assert.equal(pi1?.address, '127.0.0.1');
  assert.deepEqual(pi1?.partitions, ['batch']);
  assert.equal(pi1?.registered, true);
  assert.equal(pi1?.reason, undefined);
  assert.equal(pi2?.registered, false, 'SlurmdStartTime=None');
  assert.equal(categoryOf(pi1!), 'idle');
  assert.ok(usable(pi1!));
  assert.ok(!usable(pi2!), 'a node whose slurmd never registered is not usable');
});

void test('draining, drained and admin-drained nodes, with reasons stripped of [user@time]', () => {
  const draining = parseScontrolNodes(fixture('live-scontrol-draining.txt'))[0]!;
  assert.equal(draining.stateText, 'MIXED+DRAIN');
  assert.equal(draining.reason, 'bramble: left selector');
  assert.equal(categoryOf(draining), 'draining');
  assert.ok(hasJobs(draining));
  assert.ok(drainedByBramble(draining));

  const drained = parseScontrolNodes(fixture('live-scontrol-drained.txt'))[0]!;
  assert.equal(categoryOf(drained), 'drained');
  assert.ok(!hasJobs(drained));

  const admin = parseScontrolNodes(fixture('live-scontrol-admin-drained.txt'))[0]!;
  assert.equal(admin.reason, 'fan broken, see ticket 42');
  assert.ok(!drainedByBramble(admin));
  assert.ok(!usable(admin));
  const mixed = parseScontrolNodes(fixture('live-scontrol-draining.txt'))[1]!;
  assert.equal(categoryOf(mixed), 'mixed');
});

void test('not responding and down nodes (documented format) count as down', () => {
  const [pi3, pi4, pi5] = parseScontrolNodes(fixture('doc-scontrol-not-responding.txt'));
  assert.deepEqual(pi3?.flags, ['NOT_RESPONDING']);
  assert.equal(pi3?.base, 'DOWN');
  assert.equal(pi3?.reason, 'Not responding');
  assert.equal(categoryOf(pi3!), 'down');
  assert.equal(categoryOf(pi4!), 'down', 'allocated but not responding is down');
  assert.ok(hasJobs(pi4!));
  assert.deepEqual(pi5?.flags, ['NOT_RESPONDING'], 'the older "*" suffix reads as NOT_RESPONDING');
  assert.deepEqual(pi5?.partitions, ['batch', 'debug']);
  assert.equal(pi3?.realMemoryMiB, 670);
});

void test('state strings: base plus flags in any combination', () => {
  assert.deepEqual(parseNodeState('IDLE+DRAIN+NOT_RESPONDING'), { base: 'IDLE', flags: ['DRAIN', 'NOT_RESPONDING'] });
  assert.deepEqual(parseNodeState('DRAINED*'), { base: 'DRAINED', flags: ['NOT_RESPONDING'] });
  assert.equal(categoryOf({ base: 'IDLE', flags: ['DRAIN', 'NOT_RESPONDING'] }), 'drained');
  assert.equal(categoryOf({ base: 'ALLOCATED', flags: [] }), 'allocated');
  assert.equal(categoryOf({ base: 'IDLE', flags: ['COMPLETING', 'DRAIN'] }), 'draining');
});

void test('a reason that looks like Key=Value does not leak into the fields', () => {
  const line =
    'NodeName=pi7 CPUAlloc=0 CPUTot=4 NodeAddr=10.0.0.17 RealMemory=670 State=IDLE+DRAIN Partitions=batch SlurmdStartTime=2026-11-25T08:00:30 Reason=swap CPUTot=99 State=UP [root@2026-11-25T09:00:00]';
  const [node] = parseScontrolNodes(line);
  assert.equal(node?.cpus, 4);
  assert.equal(node?.stateText, 'IDLE+DRAIN');
  assert.equal(node?.reason, 'swap CPUTot=99 State=UP');
});

void test('sinfo partitions, squeue job counts and scontrol ping', () => {
  assert.deepEqual(parseSinfoPartitions(fixture('live-sinfo-partitions-up.txt')), [{ name: 'batch', state: 'UP' }]);
  assert.deepEqual(parseSinfoPartitions(fixture('live-sinfo-partitions-down.txt')), [{ name: 'batch', state: 'DOWN' }]);
  assert.deepEqual(parseSinfoPartitions('debug*|inact\n'), [{ name: 'debug', state: 'INACTIVE' }]);
  assert.deepEqual([...parseSqueueCounts(fixture('live-squeue-full.txt'))], [['batch', { pending: 1, running: 2 }]]);
  assert.deepEqual(
    [...parseSqueueCounts('9|batch,long|PENDING|\n')].map(([p, c]) => [p, c.pending]),
    [
      ['batch', 1],
      ['long', 1],
    ],
  );
  assert.ok(controllerAnswers(fixture('live-scontrol-ping-up.txt')));
  assert.ok(!controllerAnswers(fixture('doc-scontrol-ping-down.txt')));
  assert.ok(!controllerAnswers(''));
});

void test('live output of slurmctld running the generated slurm.conf', () => {
  const [idle] = parseScontrolNodes(fixture('live-scontrol-generated-idle.txt'));
  assert.deepEqual(idle?.partitions, ['batch', 'long']);
  assert.ok(usable(idle!));
  const [mixed] = parseScontrolNodes(fixture('live-scontrol-generated-mixed.txt'));
  assert.equal(categoryOf(mixed!), 'mixed');
  assert.equal(mixed?.cpusAllocated, 1);
  assert.deepEqual(
    parseSinfoPartitions(fixture('live-sinfo-two-partitions.txt')).map((p) => p.name),
    ['batch', 'long'],
  );
  assert.deepEqual([...parseSqueueCounts(fixture('live-squeue-running.txt'))], [['long', { pending: 0, running: 1 }]]);
});
