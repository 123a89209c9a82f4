import { test } from 'node:test';
import assert from 'node:assert/strict';
import { age, renderStatus, type StatusEvent, type StatusObject } from './render.ts';

const now = new Date('2026-12-05T12:00:00Z');
const cond = (type: string, status: string, reason: string, message = '') => ({ type, status, reason, message });
const objects: StatusObject[] = [
  {
    kind: 'PiNode',
    metadata: { name: 'pi0', namespace: 'lab', creationTimestamp: '2026-12-05T11:00:00Z' },
    status: {
      conditions: [cond('Ready', 'True', 'Converged'), cond('Reachable', 'True', 'Connected'), cond('Configured', 'True', 'Done')],
    },
  },
  {
    kind: 'PiNode',
    metadata: { name: 'pi1', namespace: 'lab', creationTimestamp: '2026-12-05T11:58:00Z' },
    status: {
      conditions: [
        cond('Ready', 'False', 'HostKeyMismatch', 'pi1 presented ssh-ed25519 AAAB…, not the pinned key'),
        cond('Reachable', 'False', 'HostKeyMismatch', 'host key\nchanged'),
      ],
      pendingSteps: [{ name: 'hostname', description: 'set hostname to pi1' }],
    },
  },
  { kind: 'SlurmPartition', metadata: { name: 'batch', namespace: 'lab' } },
];
const events: StatusEvent[] = [
  {
    type: 'Warning',
    reason: 'HostKeyMismatch',
    note: 'refused',
    metadata: {},
    eventTime: '2026-12-05T11:59:30Z',
    series: { count: 4, lastObservedTime: '2026-12-05T11:59:50Z' },
    regarding: { kind: 'PiNode', name: 'pi1', namespace: 'lab' },
  },
  {
    type: 'Normal',
    reason: 'Created',
    note: 'old',
    metadata: {},
    eventTime: '2026-12-05T11:58:10Z',
    regarding: { kind: 'PiNode', name: 'pi1', namespace: 'lab' },
  },
  {
    type: 'Normal',
    reason: 'Other',
    note: 'for a namesake elsewhere',
    metadata: {},
    eventTime: '2026-12-05T11:59:59Z',
    regarding: { kind: 'PiNode', name: 'pi1', namespace: 'other' },
  },
];

void test('a summary per kind, then each object: Ready with reason, failing conditions with their messages, pending steps, its own last events newest first', () => {
  const text = renderStatus(objects, events, { now });
  assert.equal(text.split('\n')[0], 'PiNode: 1/2 Ready   SlurmPartition: 0/1 Ready');
  assert.match(text, /PiNode lab\/pi0 +Ready=True Converged {3}age 60m\n {2}conditions: Reachable=True, Configured=True\n/);
  assert.match(
    text,
    /PiNode lab\/pi1 +Ready=False HostKeyMismatch {3}age 2m\n {4}pi1 presented ssh-ed25519 AAAB…, not the pinned key\n {2}conditions: Reachable=False \(HostKeyMismatch\)\n {4}Reachable: host key changed\n {2}pending \(1\):\n {4}hostname: set hostname to pi1\n {2}last events:\n {5}10s Warning HostKeyMismatch \(x4\): refused\n {4}110s Normal {2}Created: old\n/,
  );
  assert.ok(!text.includes('namesake'), "events of another namespace's namesake are not shown");
  assert.match(text, /SlurmPartition lab\/batch +Ready=\? \(not reconciled yet\)/);
  assert.equal(renderStatus([], [], { now }), 'No bramble resources (PiNode, SlurmPartition, GlusterVolume, MinioPool) found.\n');
});

void test("ages in kubectl's style", () => {
  assert.deepEqual(
    ['2026-12-05T11:59:59Z', '2026-12-05T11:00:00Z', '2026-12-04T12:00:00Z', '2026-11-01T00:00:00Z', undefined].map((t) => age(t, now)),
    ['1s', '60m', '24h', '34d', '?'],
  );
});
