import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourcePath } from './request-info.ts';

void test('paths split into group, version, namespace, resource, name and subresource', () => {
  assert.deepEqual(parseResourcePath('/apis/bramble.dev/v1alpha1/namespaces/lab/pinodes/pi1/status'), {
    group: 'bramble.dev', version: 'v1alpha1', resource: 'pinodes', namespace: 'lab', name: 'pi1', subresource: 'status',
  });
  assert.deepEqual(parseResourcePath('/api/v1/secrets'), {
    group: '', version: 'v1', resource: 'secrets', namespace: undefined, name: undefined, subresource: undefined,
  });
  assert.deepEqual(parseResourcePath('/api/v1/namespaces/lab'), {
    group: '', version: 'v1', resource: 'namespaces', name: 'lab', subresource: undefined,
  });
  assert.deepEqual(parseResourcePath('/api/v1/namespaces/lab/status'), {
    group: '', version: 'v1', resource: 'namespaces', name: 'lab', subresource: 'status',
  });
  assert.equal(parseResourcePath('/apis/bramble.dev'), undefined);
  assert.equal(parseResourcePath('/healthz'), undefined);
});
