import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManagerFlags } from './flags.ts';
import { UsageError } from './command-line.ts';

void test('defaults follow controller-runtime', () => {
  const f = parseManagerFlags([]);
  assert.equal(f.metricsBindAddress, ':8080');
  assert.equal(f.healthProbeBindAddress, ':8081');
  assert.equal(f.leaderElect, false);
  assert.equal(f.namespace, undefined);
  assert.equal(f.logLevel, 'info');
});

void test('both spellings of values, bare and explicit booleans', () => {
  const f = parseManagerFlags([
    '--kubeconfig',
    'k.yaml',
    '--namespace=pis',
    '--leader-elect',
    '--metrics-bind-address=127.0.0.1:0',
    '--health-probe-bind-address',
    '0',
    '--log-level=debug',
  ]);
  assert.equal(f.kubeconfig, 'k.yaml');
  assert.equal(f.namespace, 'pis');
  assert.equal(f.leaderElect, true);
  assert.equal(f.metricsBindAddress, '127.0.0.1:0');
  assert.equal(f.healthProbeBindAddress, '0');
  assert.equal(f.logLevel, 'debug');
  assert.equal(parseManagerFlags(['--leader-elect=false']).leaderElect, false);
  assert.equal(parseManagerFlags(['--namespace=']).namespace, undefined, 'empty namespace watches all');
});

void test('mistakes are errors, not silently ignored', () => {
  assert.throws(() => parseManagerFlags(['--leader-elect=yes']), UsageError);
  assert.throws(() => parseManagerFlags(['--metrics-addr', ':1']), UsageError);
  assert.throws(() => parseManagerFlags(['--kubeconfig']), UsageError);
  assert.throws(() => parseManagerFlags(['--log-level=loud']), UsageError);
  assert.throws(() => parseManagerFlags(['stray']), UsageError);
});
