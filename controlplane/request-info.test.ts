import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from './errors.ts';
import { parseRequestTarget, parseResourcePath } from './request-info.ts';

void test('paths split into group, version, namespace, resource, name and subresource', () => {
  assert.deepEqual(parseResourcePath('/apis/bramble.dev/v1alpha1/namespaces/lab/pinodes/pi1/status'), {
    group: 'bramble.dev',
    version: 'v1alpha1',
    resource: 'pinodes',
    namespace: 'lab',
    name: 'pi1',
    subresource: 'status',
  });
  assert.deepEqual(parseResourcePath('/api/v1/secrets'), {
    group: '',
    version: 'v1',
    resource: 'secrets',
    namespace: undefined,
    name: undefined,
    subresource: undefined,
  });
  assert.deepEqual(parseResourcePath('/api/v1/namespaces/lab'), {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    name: 'lab',
    subresource: undefined,
  });
  assert.deepEqual(parseResourcePath('/api/v1/namespaces/lab/status'), {
    group: '',
    version: 'v1',
    resource: 'namespaces',
    name: 'lab',
    subresource: 'status',
  });
  assert.equal(parseResourcePath('/apis/bramble.dev'), undefined);
  assert.equal(parseResourcePath('/healthz'), undefined);
});

void test('request targets are decoded once; malformed escapes and dot segments are 400, never resolved', () => {
  const t = parseRequestTarget('/api/v1/namespaces/default/configmaps/?labelSelector=a%3Db%2Cc+in+(x)&watch');
  assert.equal(t.path, '/api/v1/namespaces/default/configmaps');
  assert.equal(t.query.get('labelSelector'), 'a=b,c in (x)');
  assert.equal(t.query.get('watch'), '');
  // An encoded slash separates segments, as in Go's decoded URL.Path.
  assert.equal(parseRequestTarget('/api/v1/namespaces%2Fdefault/configmaps').path, '/api/v1/namespaces/default/configmaps');
  for (const [raw, message] of [
    ['/api/v1/namespaces/%zz', /invalid URL escape "%zz" in the path/],
    ['/api/v1/namespaces/%e0%a4%a', /invalid URL escape "%a" in the path/],
    ['/api/v1/namespaces/%ff', /not UTF-8/],
    ['/api/v1/configmaps?limit=%', /invalid URL escape "%" in the query/],
    ['/api/v1/namespaces/default/configmaps/../secrets', /may not contain "\." or "\.\." segments/],
    ['/api/v1/namespaces/default/configmaps/%2e%2e/secrets', /may not contain/],
    ['/api/v1/namespaces/./default', /may not contain/],
    ['http://example.com/api', /absolute path/],
  ] as const) {
    assert.throws(
      () => parseRequestTarget(raw),
      (err: unknown) => err instanceof ApiError && err.code === 400 && message.test(err.message),
      raw,
    );
  }
});
