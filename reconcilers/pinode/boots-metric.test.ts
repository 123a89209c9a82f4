import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { createNodeBootsCounter } from './boots-metric.ts';

const a = { facts: { bootId: '11111111-2222-4333-8444-555555555555' } };
const b = { facts: { bootId: '66666666-7777-4888-9999-000000000000' } };

void test('a changed boot id counts one boot; the same id, a first observe or a missing id count none', async () => {
  const registry = new Registry();
  const boots = createNodeBootsCounter(registry);
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

void test('a Pi with a known boot id has a series at 0 before its first reboot, and none once its PiNode is gone', async () => {
  const registry = new Registry();
  const boots = createNodeBootsCounter(registry);
  boots.statusChanged('default', 'pi3', undefined, {});
  assert.doesNotMatch(await registry.metrics(), /pinode="pi3"/, 'no series before the boot id is known');
  boots.statusChanged('default', 'pi3', {}, a);
  assert.match(await registry.metrics(), /^bramble_node_boots_total\{namespace="default",pinode="pi3"\} 0$/m);
  boots.removed('default', 'pi3');
  assert.doesNotMatch(await registry.metrics(), /pinode="pi3"/);
});
