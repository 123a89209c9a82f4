// RBAC grants exactly what the operator does and nothing broader: no wildcards, no deletes,
// Secrets never rewritten, Leases only in the operator's namespace, everything bound to its
// ServiceAccount. (Whether each grant is also USED is proven against the API calls recorded in
// the end-to-end run; that needs the running operator.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findObject, renderBase } from './render.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

function grants(rules: Rule[]): Set<string> {
  const out = new Set<string>();
  for (const r of rules) for (const g of r.apiGroups) for (const res of r.resources) for (const v of r.verbs) out.add(`${g}|${res}|${v}`);
  return out;
}

// That the ClusterRole grants exactly what the operator uses is proven live, against the
// operator's recorded API calls, in rbac-calls.test.ts.

void test('no rule uses a wildcard or can delete, escalate or impersonate', () => {
  const { objects } = renderBase();
  for (const o of objects.filter((x) => x.kind === 'ClusterRole' || x.kind === 'Role')) {
    for (const r of (o as unknown as { rules: Rule[] }).rules) {
      for (const field of [r.apiGroups, r.resources, r.verbs])
        assert.ok(!field.includes('*'), `${o.kind} ${o.metadata.name}: wildcard in ${JSON.stringify(r)}`);
      for (const verb of ['delete', 'deletecollection', 'escalate', 'bind', 'impersonate']) {
        assert.ok(!r.verbs.includes(verb), `${o.kind} ${o.metadata.name} grants ${verb}`);
      }
    }
  }
});

void test('leader election is a namespaced Role for Leases in the operator namespace only', () => {
  const { objects } = renderBase();
  const role = findObject(objects, 'Role', 'bramble-leader-election') as unknown as { metadata: { namespace: string }; rules: Rule[] };
  assert.equal(role.metadata.namespace, 'bramble-system');
  assert.deepEqual([...grants(role.rules)].sort(), [
    'coordination.k8s.io|leases|create',
    'coordination.k8s.io|leases|get',
    'coordination.k8s.io|leases|update',
  ]);
  const cluster = findObject(objects, 'ClusterRole', 'bramble') as unknown as { rules: Rule[] };
  assert.ok(!cluster.rules.some((r) => r.resources.includes('leases')), 'Leases must not be granted cluster-wide');
});

void test("both bindings give the roles to the Deployment's ServiceAccount", () => {
  const { objects } = renderBase();
  const deployment = findObject(objects, 'Deployment', 'bramble') as unknown as {
    spec: { template: { spec: { serviceAccountName: string } } };
  };
  const sa = deployment.spec.template.spec.serviceAccountName;
  findObject(objects, 'ServiceAccount', sa);
  for (const [kind, name, roleKind] of [
    ['ClusterRoleBinding', 'bramble', 'ClusterRole'],
    ['RoleBinding', 'bramble-leader-election', 'Role'],
  ] as const) {
    const b = findObject(objects, kind, name) as unknown as {
      roleRef: { kind: string; name: string };
      subjects: { kind: string; name: string; namespace: string }[];
    };
    assert.equal(b.roleRef.kind, roleKind);
    findObject(objects, roleKind, b.roleRef.name);
    assert.deepEqual(b.subjects, [{ kind: 'ServiceAccount', name: sa, namespace: 'bramble-system' }]);
  }
});
