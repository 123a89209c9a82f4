import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createNodeBootsCounter } from './boots-metric.ts';

void test('a changed boot id counts one boot; the same id, a first observe or a missing id count none', async () => {
  const registry = new Registry();
  const boots = createNodeBootsCounter(registry);
  const a = { facts: { bootId: '11111111-2222-4333-8444-555555555555' } };
  const b = { facts: { bootId: '66666666-7777-4888-9999-000000000000' } };
  boots.statusChanged('default', 'pi1', undefined, a);
  boots.statusChanged('default', 'pi1', a, a);
  boots.statusChanged('default', 'pi1', a, {});
  boots.statusChanged('default', 'pi1', a, b);
  boots.statusChanged('default', 'pi1', b, a);
  boots.statusChanged('default', 'pi2', a, b);
  const text = await registry.metrics();
  assert.match(text, /^bramble_node_boots_total\{namespace="default",pinode="pi1"\} 2$/m);
  assert.match(text, /^bramble_node_boots_total\{namespace="default",pinode="pi2"\} 1$/m);
});
