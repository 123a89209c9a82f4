import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './kube-object.ts';
import { defaultNodeSelection, nodeChangeMatters, ownersOfNodeChange } from './node-owners.ts';

const node = (name: string, labels: Record<string, string>, status?: unknown): KubeObject => ({
  metadata: { name, namespace: 'pis', labels, resourceVersion: '1' },
  status,
});
const owner = (name: string, spec: unknown, namespace = 'pis'): KubeObject => ({ metadata: { name, namespace }, spec });

const partition = owner('compute', { controller: 'pi-ctl', nodeSelector: { matchLabels: { role: 'compute' } } });
const volume = owner('data', { bricks: [{ nodeSelector: { matchLabels: { disk: 'ssd' } }, path: '/b' }] });
const pool = owner('s3', { nodes: ['pi-7'] });
const elsewhere = owner('other', { nodeSelector: {} }, 'lab');
const owners = [partition, volume, pool, elsewhere];

void test('the default reading finds selectors and names on the spec and one level down', () => {
  assert.deepEqual(defaultNodeSelection(partition).names, ['pi-ctl']);
  assert.equal(defaultNodeSelection(volume).selectors.length, 1);
  assert.deepEqual(defaultNodeSelection(pool).names, ['pi-7']);
});

void test('a relabelled node re-queues the owners of its old and its new labels, in its namespace only', () => {
  const before = node('pi-1', { role: 'compute' });
  const after = { ...node('pi-1', { disk: 'ssd' }), metadata: { ...node('pi-1', { disk: 'ssd' }).metadata, resourceVersion: '2' } };
  assert.deepEqual(ownersOfNodeChange(owners, before, after).sort(), ['pis/compute', 'pis/data']);
});

void test('named nodes and the Slurm controller node are matched by name', () => {
  assert.deepEqual(ownersOfNodeChange(owners, undefined, node('pi-7', {})), ['pis/s3']);
  assert.deepEqual(ownersOfNodeChange(owners, undefined, node('pi-ctl', {})), ['pis/compute']);
});

void test('only labels, facts and readiness count as a change', () => {
  const ready = (s: string) => ({ conditions: [{ type: 'Ready', status: s }], facts: { cpus: 4 }, lastSeen: 'x' });
  const a = node('pi-1', { role: 'compute' }, ready('True'));
  assert.equal(nodeChangeMatters(a, node('pi-1', { role: 'compute' }, { ...ready('True'), lastSeen: 'y' })), false);
  assert.equal(nodeChangeMatters(a, node('pi-1', { role: 'compute' }, ready('False'))), true);
  assert.equal(nodeChangeMatters(a, node('pi-1', { role: 'compute' }, { ...ready('True'), facts: { cpus: 8 } })), true);
  assert.deepEqual(ownersOfNodeChange(owners, a, node('pi-1', { role: 'compute' }, { ...ready('True'), lastSeen: 'z' })), []);
});
