import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { glusterGaugeHelp, glusterVolumeGaugeSamples } from './metrics.ts';

void test('brick, heal and volume-up gauges from status, labelled by namespace and volume', () => {
  const samples = glusterVolumeGaugeSamples('lab', 'shared', {
    bricksOnline: 2,
    bricksTotal: 3,
    healPendingEntries: 7,
    volumeState: 'Started',
  });
  assert.deepEqual(Object.fromEntries(samples.map((s) => [s.name, s.value])), {
    bramble_gluster_bricks_online: 2,
    bramble_gluster_bricks: 3,
    bramble_gluster_heal_pending_entries: 7,
    bramble_gluster_volume_up: 1,
  });
  assert.deepEqual(samples[0]?.labels, { namespace: 'lab', glustervolume: 'shared' });
  assert.equal(glusterVolumeGaugeSamples('lab', 'shared', { volumeState: 'Stopped' })[0]?.value, 0);
  assert.deepEqual(glusterVolumeGaugeSamples('lab', 'shared', undefined), [], 'nothing known, nothing reported');
});

void test('the gauges are the ones the dashboard and alerts query (manifests/metric-names.json)', () => {
  const catalog = JSON.parse(readFileSync(new URL('../../manifests/metric-names.json', import.meta.url), 'utf8')) as {
    metrics: Record<string, { type: string; labels: string[] }>;
  };
  for (const name of Object.keys(glusterGaugeHelp)) {
    assert.equal(catalog.metrics[name]?.type, 'gauge', name);
    assert.deepEqual(catalog.metrics[name]?.labels, ['namespace', 'glustervolume'], name);
  }
  const listed = Object.keys(catalog.metrics)
    .filter((n) => n.startsWith('bramble_gluster_'))
    .sort();
  assert.deepEqual(listed, Object.keys(glusterGaugeHelp).sort());
});
