import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bootingHosts, bootStateProbe, isBooting } from './boot-state.ts';

void test('starting and initializing are booting in the first ten minutes; running, degraded and the rest are not', () => {
  assert.equal(isBooting('starting 12.34'), true);
  assert.equal(isBooting('initializing 1.02'), true);
  assert.equal(isBooting('running 12.34'), false);
  assert.equal(isBooting('degraded 5.00'), false, 'a failed unit is a running system');
  assert.equal(isBooting('starting 601.00'), false, 'a boot job that never ends does not hold bramble off for ever');
  assert.equal(isBooting('offline 3.0'), false);
  assert.equal(isBooting('stopping 86400.00'), true, 'a host shutting down gets nothing, however long it was up');
  assert.equal(isBooting(''), false, 'no systemd, no verdict: not booting');
  assert.equal(isBooting(undefined), false);
  assert.equal(isBooting('starting'), false, 'no uptime: not booting');
});

void test('the probe prints a state and the uptime in seconds in a real shell', () => {
  const out = execFileSync('sh', ['-c', bootStateProbe[1]], { encoding: 'utf8' });
  assert.match(out, /^\S* ?\d+\.\d+\n$/);
});

void test('booting hosts are named in order', () => {
  assert.deepEqual(
    bootingHosts(
      new Map([
        ['pi3', { booting: true }],
        ['pi1', { booting: false }],
        ['pi0', { booting: true }],
        ['pi2', {}],
      ]),
    ),
    ['pi0', 'pi3'],
  );
});
