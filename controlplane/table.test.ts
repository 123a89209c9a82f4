import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toTable } from './table.ts';
import { humanDuration } from './human-duration.ts';
import type { ResourceType } from './types.ts';

const piNodes: ResourceType = {
  group: 'bramble.dev',
  version: 'v1alpha1',
  resource: 'pinodes',
  kind: 'PiNode',
  listKind: 'PiNodeList',
  singular: 'pinode',
  namespaced: true,
  shortNames: [],
  categories: [],
  storageKey: 'bramble.dev/pinodes',
  statusSubresource: true,
  strategicMerge: false,
  tracksGeneration: true,
  nameRule: 'subdomain',
  crdName: 'pinodes.bramble.dev',
  printerColumns: [
    { name: 'Address', type: 'string', jsonPath: '.spec.address' },
    { name: 'Ready', type: 'string', jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
    { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  ],
};

void test('custom resources print the CRD columns after Name, ages humanized, missing cells null', () => {
  const now = Date.parse('2026-01-01T01:00:00Z');
  const table = toTable(
    piNodes,
    [{ metadata: { name: 'pi1', creationTimestamp: '2026-01-01T00:00:00Z' }, spec: { address: '10.0.0.1' } }],
    { resourceVersion: '7' },
    'Metadata',
    now,
  ) as { columnDefinitions: { name: string }[]; rows: { cells: unknown[]; object: { kind: string } }[] };
  assert.deepEqual(
    table.columnDefinitions.map((c) => c.name),
    ['Name', 'Address', 'Ready', 'Age'],
  );
  assert.deepEqual(table.rows[0]!.cells, ['pi1', '10.0.0.1', null, '60m']);
  assert.equal(table.rows[0]!.object.kind, 'PartialObjectMetadata');
});

void test('human durations follow kubectl thresholds', () => {
  assert.equal(humanDuration(5_000), '5s');
  assert.equal(humanDuration(150_000), '2m30s');
  assert.equal(humanDuration(3 * 3600_000 + 5 * 60_000), '3h5m');
  assert.equal(humanDuration(3 * 86400_000), '3d');
});
