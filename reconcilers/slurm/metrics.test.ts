import { test } from 'node:test';
import assert from 'node:assert/strict';
import { slurmPartitionGaugeSamples } from './metrics.ts';

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

void test('job gauges by state, from the partition status', () => {
  const samples = slurmPartitionGaugeSamples('lab', 'bramble', 'batch', { jobs: { pending: 2, running: 1 } });
  assert.deepEqual(
    samples.map((s) => `${s.name}/${s.labels.state}=${s.value}`),
    ['bramble_slurm_jobs/pending=2', 'bramble_slurm_jobs/running=1'],
  );
});
