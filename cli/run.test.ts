import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configuredCluster } from './run.ts';

void test('a configured cluster is found in client-go order; none means the embedded control plane', () => {
  assert.equal(configuredCluster({ kubeconfig: 'a.yaml' }, { KUBECONFIG: 'b.yaml' }, true), '--kubeconfig a.yaml');
  assert.equal(configuredCluster({}, { KUBECONFIG: 'b.yaml' }, true), 'KUBECONFIG=b.yaml');
  assert.equal(configuredCluster({}, { KUBERNETES_SERVICE_HOST: '10.43.0.1' }, true), 'in-cluster service account');
  assert.equal(configuredCluster({}, { KUBERNETES_SERVICE_HOST: '10.43.0.1' }, false), undefined);
  assert.equal(configuredCluster({}, {}, false), undefined);
});
