import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minioPoolGaugeSamples } from './metrics.ts';

void test('pool gauges come from status, labelled by namespace and pool', () => {
  const samples = minioPoolGaugeSamples('lab', 'objects', {
    nodesTotal: 4,
    nodesOnline: 3,
    drivesOnline: 6,
    drivesTotal: 8,
    health: 'Healthy',
  });
  assert.deepEqual(Object.fromEntries(samples.map((s) => [s.name, s.value])), {
    bramble_minio_nodes: 4,
    bramble_minio_nodes_online: 3,
    bramble_minio_drives_online: 6,
    bramble_minio_healthy: 1,
  });
  assert.deepEqual(samples[0]?.labels, { namespace: 'lab', miniopool: 'objects' });
  assert.equal(minioPoolGaugeSamples('lab', 'objects', { health: 'NoWriteQuorum' })[0]?.value, 0);
  assert.deepEqual(minioPoolGaugeSamples('lab', 'objects', undefined), []);
});

void test("the pool gauges are exactly the catalog's bramble_minio_* metrics, with its labels", async () => {
  const { loadCatalog } = await import('../../test/manifests/metric-catalog.ts');
  const catalog = loadCatalog();
  const samples = minioPoolGaugeSamples('lab', 'objects', { nodesTotal: 1, nodesOnline: 1, drivesOnline: 1, health: 'Healthy' });
  const wanted = Object.keys(catalog.metrics)
    .filter((n) => n.startsWith('bramble_minio_'))
    .sort();
  assert.deepEqual(samples.map((s) => s.name).sort(), wanted);
  for (const s of samples) {
    assert.equal(catalog.metrics[s.name]?.type, 'gauge');
    assert.deepEqual(Object.keys(s.labels).sort(), [...(catalog.metrics[s.name]?.labels ?? [])].sort());
  }
});
