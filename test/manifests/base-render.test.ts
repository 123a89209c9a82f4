// The kustomize base renders with the real kubectl, holds every object the operator needs, and
// every object validates against the Kubernetes (and Prometheus Operator) schemas.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crdFiles, renderBase } from './render.ts';
import { validateObject } from './kube-schemas.ts';

const expectedKinds = [
  'Namespace/bramble-system',
  'ServiceAccount/bramble',
  'ClusterRole/bramble',
  'ClusterRoleBinding/bramble',
  'Role/bramble-leader-election',
  'RoleBinding/bramble-leader-election',
  'Deployment/bramble',
  'Service/bramble-metrics',
  'ServiceMonitor/bramble',
  'PrometheusRule/bramble',
  'ConfigMap/bramble-grafana-dashboard',
];

void test('kubectl kustomize renders the base with every object the operator needs', () => {
  const { objects } = renderBase();
  const names = objects.map((o) => `${o.kind}/${o.metadata.name}`);
  for (const expected of expectedKinds) assert.ok(names.includes(expected), `missing ${expected} in ${names.join(', ')}`);
  const clusterScoped = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition']);
  for (const o of objects) {
    if (clusterScoped.has(o.kind)) assert.equal(o.metadata.namespace, undefined, `${o.kind} ${o.metadata.name} is cluster-scoped`);
    else assert.equal(o.metadata.namespace, 'bramble-system', `${o.kind} ${o.metadata.name} namespace`);
    assert.equal(o.metadata.labels?.['app.kubernetes.io/part-of'], 'bramble', `${o.kind} ${o.metadata.name} part-of label`);
  }
});

void test('the base installs the CRD of every bramble kind, from crds/', () => {
  const crds = renderBase()
    .objects.filter((o) => o.kind === 'CustomResourceDefinition')
    .map((o) => o.metadata.name)
    .sort();
  assert.deepEqual(crds, ['glustervolumes.bramble.dev', 'miniopools.bramble.dev', 'pinodes.bramble.dev', 'slurmpartitions.bramble.dev']);
  assert.equal(crds.length, crdFiles().length, 'one CRD per crds/bramble.dev_*.yaml');
});

void test('every rendered object validates against its Kubernetes schema', async () => {
  const { objects } = renderBase();
  assert.ok(objects.length >= expectedKinds.length + 4);
  for (const o of objects) await validateObject(o);
});

void test('the schema validator rejects what the API server would (so the check above means something)', async () => {
  const deployment = structuredClone(renderBase().objects.find((o) => o.kind === 'Deployment')!);
  (deployment.spec as { replicas: unknown }).replicas = 'two';
  await assert.rejects(validateObject(deployment), /replicas must be integer/);
  const rule = structuredClone(renderBase().objects.find((o) => o.kind === 'PrometheusRule')!);
  (rule.spec as { groups: { rules: { for?: string }[] }[] }).groups[0]!.rules[0]!.for = 'five minutes';
  await assert.rejects(validateObject(rule), /for must match pattern/);
  await assert.rejects(validateObject({ apiVersion: 'example.com/v1', kind: 'Nothing', metadata: { name: 'x' } }), /no schema/);
});
