import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateJsonPath } from './jsonpath.ts';

const obj = {
  metadata: { name: 'pi1', annotations: { 'bramble.dev/rack': 'r1' } },
  spec: { address: '10.0.0.1', ports: [22, 80] },
  status: {
    conditions: [
      { type: 'Reachable', status: 'True' },
      { type: 'Ready', status: 'False' },
    ],
  },
};

void test('printer-column paths select the values kubectl would print', () => {
  assert.deepEqual(evaluateJsonPath(obj, '.spec.address'), ['10.0.0.1']);
  assert.deepEqual(evaluateJsonPath(obj, '.spec.ports[1]'), [80]);
  assert.deepEqual(evaluateJsonPath(obj, ".metadata.annotations['bramble.dev/rack']"), ['r1']);
  assert.deepEqual(evaluateJsonPath(obj, '.status.conditions[?(@.type=="Ready")].status'), ['False']);
  assert.deepEqual(evaluateJsonPath(obj, '.status.missing.deeper'), []);
});
