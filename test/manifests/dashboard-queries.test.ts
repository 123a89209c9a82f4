// How the Prometheus tests turn dashboard targets into the queries Grafana would send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelValuesVariables, panelQueries, resolveVariables } from './dashboard-queries.ts';

void test('one value is substituted as itself, several as an alternation, braced or bare', () => {
  assert.equal(resolveVariables('up{namespace=~"$namespace"}', { namespace: ['lab'] }), 'up{namespace=~"lab"}');
  assert.equal(
    resolveVariables('rate(x{ns=~"${ns}"}[$__rate_interval])', { ns: ['a', 'b'], __rate_interval: ['1m'] }),
    'rate(x{ns=~"(a|b)"}[1m])',
  );
});

void test('an unknown variable or a value that would need escaping is refused', () => {
  assert.throws(() => resolveVariables('up{pinode="$node"}', { namespace: ['lab'] }), /\$node/);
  assert.throws(() => resolveVariables('up{ns=~"$ns"}', { ns: ['.*'] }), /escaping/);
});

void test('the dashboard has targets and its variables are label_values queries', () => {
  assert.ok(panelQueries().length > 20);
  assert.deepEqual(labelValuesVariables(), [{ name: 'namespace', metric: 'bramble_node_up', label: 'namespace' }]);
});
