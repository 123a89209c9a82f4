import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allowedBy, type BoundRole } from './rbac-rules.ts';

const roles: BoundRole[] = [
  { name: 'cluster', rules: [{ apiGroups: ['bramble.dev'], resources: ['pinodes', 'pinodes/status'], verbs: ['get', 'patch'] }] },
  {
    name: 'lease',
    namespace: 'ops',
    rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get'], resourceNames: ['leader'] }],
  },
];

void test('verbs, groups and subresources must all match', () => {
  assert.deepEqual(
    allowedBy(roles, { verb: 'patch', group: 'bramble.dev', resource: 'pinodes', subresource: 'status', namespace: 'lab' }),
    { role: 'cluster', rule: 0 },
  );
  assert.equal(allowedBy(roles, { verb: 'delete', group: 'bramble.dev', resource: 'pinodes', namespace: 'lab' }), undefined);
  assert.equal(
    allowedBy(roles, { verb: 'update', group: 'bramble.dev', resource: 'pinodes', subresource: 'finalizers', namespace: 'lab' }),
    undefined,
  );
  assert.equal(allowedBy(roles, { verb: 'get', group: '', resource: 'pinodes', namespace: 'lab' }), undefined);
});

void test('a Role allows only inside its namespace, and resourceNames only those names', () => {
  assert.ok(allowedBy(roles, { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'leader' }));
  assert.equal(
    allowedBy(roles, { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'lab', name: 'leader' }),
    undefined,
  );
  assert.equal(
    allowedBy(roles, { verb: 'get', group: 'coordination.k8s.io', resource: 'leases', namespace: 'ops', name: 'other' }),
    undefined,
  );
});
