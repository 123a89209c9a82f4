// Gauge samples for one PiNode, from its status. Pure; the caller feeds them to prom-client.
// Labels are bounded: namespace and name of the PiNode, plus `flag` from a fixed set of eight
// (and `problem` on the health history, health-metrics.ts).
import { isConditionTrue } from '../../crds/conditions.ts';
import type { PiNodeStatus } from './pinode-types.ts';
import { throttledFlagNames } from './throttled.ts';
import type { GaugeSample } from '../../metrics/sample-gauges.ts';
import { piNodeHealthGaugeHelp, piNodeHealthGaugeSamples } from './health-metrics.ts';

export type { GaugeSample };

export const piNodeGaugeHelp: Record<string, string> = {
  bramble_node_up: '1 when the Pi was reachable over SSH at the last reconcile, else 0',
  bramble_node_temperature_celsius: 'SoC temperature from thermal zone 0',
  bramble_node_throttled: '1 while the firmware reports this throttling flag (vcgencmd get_throttled)',
  bramble_node_memory_bytes: 'Total memory',
  bramble_node_disk_bytes: 'Size of the root filesystem',
  bramble_node_disk_free_bytes: 'Space available on the root filesystem',
  bramble_node_load1: 'One-minute load average',
  ...piNodeHealthGaugeHelp,
};

export function piNodeGaugeSamples(namespace: string, pinode: string, status: PiNodeStatus | undefined): GaugeSample[] {
  const labels = { namespace, pinode };
  const sample = (name: string, value: number, extra: Record<string, string> = {}): GaugeSample => ({
    name,
    help: piNodeGaugeHelp[name] ?? name,
    labels: { ...labels, ...extra },
    value,
  });
  const facts = status?.facts;
  const out = [sample('bramble_node_up', isConditionTrue(status?.conditions, 'Reachable') ? 1 : 0)];
  if (facts?.temperatureCelsius !== undefined) out.push(sample('bramble_node_temperature_celsius', facts.temperatureCelsius));
  if (facts?.throttledFlags !== undefined) {
    const set = new Set(facts.throttledFlags);
    for (const flag of throttledFlagNames) out.push(sample('bramble_node_throttled', set.has(flag) ? 1 : 0, { flag }));
  }
  if (facts?.memoryBytes !== undefined) out.push(sample('bramble_node_memory_bytes', facts.memoryBytes));
  if (facts?.diskBytes !== undefined) out.push(sample('bramble_node_disk_bytes', facts.diskBytes));
  if (facts?.diskFreeBytes !== undefined) out.push(sample('bramble_node_disk_free_bytes', facts.diskFreeBytes));
  if (facts?.load1 !== undefined) out.push(sample('bramble_node_load1', facts.load1));
  return [...out, ...piNodeHealthGaugeSamples(namespace, pinode, status)];
}
