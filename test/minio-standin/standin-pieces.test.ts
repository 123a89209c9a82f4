import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerCommandLine, UsageError } from './command-line.ts';
import { endpointsOf, expandEllipses } from './ellipses.ts';
import { writeQuorum } from './quorum.ts';

const env = { MINIO_ROOT_USER: 'admin', MINIO_ROOT_PASSWORD: 'password1' };

void test('the server command line: volumes, --address, --console-address, MINIO_VOLUMES as fallback', () => {
  const c = parseServerCommandLine(['server', '--address', ':9100', '--console-address=:9101', 'http://h{1...2}:9100/d'], env);
  assert.deepEqual([c.volumes, c.apiPort, c.consolePort, c.rootUser], [['http://h{1...2}:9100/d'], 9100, 9101, 'admin']);
  const fromEnv = parseServerCommandLine(['server', '--address', ':9000'], { ...env, MINIO_VOLUMES: 'http://a:9000/x http://b:9000/x' });
  assert.deepEqual(fromEnv.volumes, ['http://a:9000/x', 'http://b:9000/x']);
  assert.throws(() => parseServerCommandLine(['server', '/d'], { MINIO_ROOT_USER: 'admin', MINIO_ROOT_PASSWORD: 'short' }), UsageError);
  assert.throws(() => parseServerCommandLine(['gateway', '/d'], env), UsageError);
  assert.throws(() => parseServerCommandLine(['server'], env), /no volumes/);
});

void test('ellipses expand left to right, keeping zero padding', () => {
  assert.deepEqual(expandEllipses('n{1...2}/d{01...02}'), ['n1/d01', 'n1/d02', 'n2/d01', 'n2/d02']);
  assert.deepEqual(
    endpointsOf(['http://10.0.0.{9...10}:9000/srv/d']).map((e) => `${e.host}:${e.port}${e.path}`),
    ['10.0.0.9:9000/srv/d', '10.0.0.10:9000/srv/d'],
  );
  assert.throws(() => expandEllipses('x{3...1}'), /bad range/);
});

void test('write quorum: data drives, plus one when data and parity tie', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 8, 16].map(writeQuorum), [1, 2, 2, 3, 3, 4, 5, 12]);
});
