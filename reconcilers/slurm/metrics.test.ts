import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allSlurmJobSamples, forgetJobCounts, recordJobCounts, slurmJobGaugeSamples, slurmPartitionGaugeSamples } from './metrics.ts';
import { parseSqueueCounts } from './parse-sinfo.ts';

void test('node gauges by state and partition up, from status', () => {
  const samples = slurmPartitionGaugeSamples('lab', 'bramble', 'batch', {
    nodeCounts: { total: 4, idle: 1, allocated: 1, mixed: 0, drained: 1, down: 1 },
    partitionState: 'UP',
  });
  const nodes = Object.fromEntries(samples.filter((s) => s.name === 'bramble_slurm_nodes').map((s) => [s.labels.state, s.value]));
  assert.deepEqual(nodes, { total: 4, idle: 1, allocated: 1, mixed: 0, drained: 1, down: 1 });
  assert.equal(samples.find((s) => s.name === 'bramble_slurm_partition_up')?.value, 1);
  assert.deepEqual(samples[0]?.labels, { namespace: 'lab', cluster: 'bramble', partition: 'batch', state: 'total' });
  assert.equal(slurmPartitionGaugeSamples('lab', 'bramble', 'batch', { partitionState: 'DOWN' })[0]?.value, 0);
  assert.deepEqual(slurmPartitionGaugeSamples('lab', 'bramble', 'batch', undefined), []);
});

void test('job gauges per partition and state, from squeue', () => {
  const jobs = parseSqueueCounts('1|batch|RUNNING|pi1\n2|batch|PENDING|\n3|long|PENDING|\n');
  const samples = slurmJobGaugeSamples('lab', 'bramble', jobs);
  assert.deepEqual(samples.map((s) => `${s.labels.partition}/${s.labels.state}=${s.value}`), ['batch/pending=1', 'batch/running=1', 'long/pending=1', 'long/running=0']);
  recordJobCounts('lab', 'bramble', jobs);
  assert.equal(allSlurmJobSamples().length, 4);
  forgetJobCounts('lab', 'bramble');
  assert.equal(allSlurmJobSamples().length, 0);
});
