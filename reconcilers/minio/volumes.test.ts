import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { asSequence, minioVolumes, naturalOrder } from './volumes.ts';
import { endpointsOf } from '../../test/minio-standin/ellipses.ts';

void test('consecutive addresses and drives become one ellipsis pool', () => {
  const hosts = ['10.213.43.10', '10.213.43.11', '10.213.43.12', '10.213.43.13'];
  assert.equal(
    minioVolumes(hosts, 9000, ['/srv/minio/disk1', '/srv/minio/disk2']),
    'http://10.213.43.{10...13}:9000/srv/minio/disk{1...2}',
  );
  assert.equal(minioVolumes(hosts, 9000, ['/data']), 'http://10.213.43.{10...13}:9000/data');
  assert.equal(asSequence(['node08', 'node09', 'node10']), 'node{08...10}');
});

void test('hosts that do not form a sequence are listed endpoint by endpoint', () => {
  assert.equal(minioVolumes(['10.0.0.5', '10.0.0.9'], 9000, ['/d']), 'http://10.0.0.5:9000/d http://10.0.0.9:9000/d');
  assert.equal(
    minioVolumes(['pi-a', 'pi-b'], 9000, ['/d1', '/d3']),
    'http://pi-a:9000/d1 http://pi-a:9000/d3 http://pi-b:9000/d1 http://pi-b:9000/d3',
  );
  assert.equal(asSequence(['pi1', 'pi2', 'pi4']), undefined);
  assert.equal(asSequence(['pi1']), undefined);
});

void test('natural order puts .9 before .10', () => {
  assert.deepEqual(['10.0.0.10', '10.0.0.9', 'pi10', 'pi2'].sort(naturalOrder), ['10.0.0.9', '10.0.0.10', 'pi2', 'pi10']);
});

void test('whatever the hosts and paths, MinIO-style expansion gives back exactly host × path in order', () => {
  const host = fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 250 }), fc.integer({ min: 1, max: 250 })).map(([a, b]) => `10.1.${a}.${b}`),
    // Not "xn--…": that prefix marks punycode, which a URL decodes and refuses when it is not
    // valid punycode (a generated "xn--0" failed a run); no Pi's name is one by accident.
    fc.stringMatching(/^[a-z][a-z0-9-]{0,8}[0-9]$/).filter((h) => !h.startsWith('xn--')),
  );
  const path = fc.stringMatching(/^(\/[a-z0-9]{1,6}){1,3}$/);
  fc.assert(
    fc.property(
      fc.uniqueArray(host, { minLength: 1, maxLength: 6 }),
      fc.uniqueArray(path, { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 1, max: 65535 }),
      (hosts, paths, port) => {
        const volumes = minioVolumes(hosts, port, paths).split(' ');
        const got = endpointsOf(volumes).map((e) => `${e.host}:${e.port}${e.path}`);
        assert.deepEqual(
          got,
          hosts.flatMap((h) => paths.map((p) => `${h}:${port}${p}`)),
        );
      },
    ),
  );
  // Sequences specifically, so the ellipsis branch is exercised by the property too.
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 4 }), (start, n, drives) => {
      const hosts = Array.from({ length: n }, (_, i) => `192.168.7.${start + i}`);
      const paths = Array.from({ length: drives }, (_, i) => `/mnt/disk${i + 1}`);
      const text = minioVolumes(hosts, 9000, paths);
      if (n > 1) assert.match(text, /\{\d+\.\.\.\d+\}/);
      const got = endpointsOf(text.split(' ')).map((e) => `${e.host}${e.path}`);
      assert.deepEqual(
        got,
        hosts.flatMap((h) => paths.map((p) => `${h}${p}`)),
      );
    }),
  );
});
