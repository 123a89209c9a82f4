// The data-path rule: system trees and mount roots refused, the data paths Pi owners use kept,
// the same answer from the reconcilers' function and the schema's CEL rule (run by the control
// plane's own validator), and both patterns valid RE2.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dataPathCelRule, dataPathProblem, homeConflicts, mountRootPattern, systemTreePattern } from './data-path.ts';
import { re2Incompatibility } from '../controlplane/schema/structural.ts';
import { admit } from './admission-for-tests.ts';

const validateResource = (obj: { kind: string }) => admit(obj.kind, obj).causes;

const refused = [
  '/',
  '/boot',
  '/boot/firmware',
  '/etc',
  '/etc/ssh',
  '/usr',
  '/usr/local/data',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/libx32',
  '/opt',
  '/opt/app',
  '/var',
  '/var/lib',
  '/var/lib/minio',
  '/var/log',
  '/root',
  '/home',
  '/home/pi',
  '/home/pi/data',
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/tmp',
  '/tmp/x',
  '/mnt',
  '/media',
  '/srv',
  '/snap',
  '/lost+found',
];
const kept = [
  '/srv/gluster',
  '/srv/minio/disk1',
  '/mnt/usb1/minio',
  '/mnt/shared',
  '/media/usb/data',
  '/data/x',
  '/data',
  '/storage/bricks',
  '/homes/x',
  '/varx',
  '/libraries/x',
  '/exports/gv0',
];

void test('system paths are refused and data paths kept', () => {
  for (const p of refused) assert.ok(dataPathProblem(p), `${p} should be refused`);
  for (const p of kept) assert.equal(dataPathProblem(p), undefined, `${p} should be kept`);
});

void test('the patterns are RE2', () => {
  assert.equal(re2Incompatibility(systemTreePattern), undefined);
  assert.equal(re2Incompatibility(mountRootPattern), undefined);
});

void test('the schema refuses exactly what the reconcilers refuse, naming the field', () => {
  const volume = (brickPath: string, mountPath: string) => ({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name: 'v', namespace: 'default' },
    spec: { type: 'Distribute', bricks: { nodeNames: ['pi0'], path: brickPath }, mount: { nodeSelector: {}, path: mountPath } },
  });
  for (const p of [...refused.filter((x) => x !== '/'), ...kept]) {
    const errors = validateResource(volume(p, '/mnt/ok'));
    const brickRefused = errors.some((e) => e.field === 'spec.bricks.path' && e.message.includes('system path'));
    assert.equal(brickRefused, dataPathProblem(p) !== undefined, `${p}: ${JSON.stringify(errors)}`);
    const mountErrors = validateResource(volume('/srv/ok', p));
    assert.equal(
      mountErrors.some((e) => e.field === 'spec.mount.path'),
      dataPathProblem(p) !== undefined,
      `${p}: ${JSON.stringify(mountErrors)}`,
    );
  }
  assert.match(dataPathCelRule.rule, /matches/);
});

void test('a home directory, a path inside one or a path holding one conflicts', () => {
  const homes = ['/root', '/home/pi', '/srv/alice', '/nonexistent', '/', '/var/lib/gluster'];
  assert.deepEqual(homeConflicts(['/srv/alice', '/srv/alice/x', '/srv', '/srv/bob', '/data'], homes), [
    { path: '/srv/alice', home: '/srv/alice' },
    { path: '/srv/alice/x', home: '/srv/alice' },
    { path: '/srv', home: '/srv/alice' },
  ]);
  assert.deepEqual(homeConflicts(['/srv/alicex'], homes), []);
});
