// Gauge samples for a PiNode's power and storage health (issue 21), from its status. Pure, like
// metrics.ts, which appends them; the throttle bits are already bramble_node_throttled{flag}.
// Labels are bounded: namespace and pinode, plus `problem` from the fixed set in crds/pinode-health.ts.
import { findCondition } from '../../crds/conditions.ts';
import type { GaugeSample } from '../../metrics/sample-gauges.ts';
import type { PiNodeStatus } from './pinode-types.ts';

export const piNodeHealthGaugeHelp: Record<string, string> = {
  bramble_node_power_healthy:
    '1 while PowerHealthy is True, 0 while False (under-voltage or throttling now or since boot); absent while Unknown',
  bramble_node_storage_healthy:
    '1 while StorageHealthy is True, 0 while False (read-only remount, ext4 errors, eMMC wear); absent while Unknown',
  bramble_node_under_voltage_messages: 'Kernel under-voltage messages since boot',
  bramble_node_read_only_mounts: 'Disk filesystems mounted read-only now',
  bramble_node_ext4_errors: 'Errors recorded by the ext4 filesystems (errors_count)',
  bramble_node_disk_written_bytes: 'Bytes written to the root disk since boot',
  bramble_node_disk_written_bytes_per_day: 'Estimated bytes written to the root disk per day',
  bramble_node_emmc_life_time_level: 'eMMC life_time level (1 = 0-10% used … 11 = exceeded)',
  bramble_node_emmc_pre_eol_level: 'eMMC pre_eol_info (1 normal, 2 warning, 3 urgent)',
  bramble_node_health_problem_boots:
    'Boots of the Pi that showed this power or storage problem, kept across reboots (status.health.history)',
};

/** Families with a `problem` label besides namespace and pinode. */
export const problemLabelledFamilies = new Set(['bramble_node_health_problem_boots']);

export function piNodeHealthGaugeSamples(namespace: string, pinode: string, status: PiNodeStatus | undefined): GaugeSample[] {
  const out: GaugeSample[] = [];
  const add = (name: string, value: number | undefined, extra: Record<string, string> = {}) => {
    if (value !== undefined) out.push({ name, help: piNodeHealthGaugeHelp[name] ?? name, labels: { namespace, pinode, ...extra }, value });
  };
  for (const [type, name] of [
    ['PowerHealthy', 'bramble_node_power_healthy'],
    ['StorageHealthy', 'bramble_node_storage_healthy'],
  ] as const) {
    const c = findCondition(status?.conditions, type);
    add(name, c?.status === 'True' ? 1 : c?.status === 'False' ? 0 : undefined);
  }
  const h = status?.facts?.health;
  add('bramble_node_under_voltage_messages', h?.underVoltageMessages);
  add('bramble_node_read_only_mounts', h?.readOnlyMounts?.length);
  add('bramble_node_ext4_errors', h?.ext4Errors);
  add('bramble_node_disk_written_bytes', h?.bytesWrittenSinceBoot);
  add('bramble_node_disk_written_bytes_per_day', status?.health?.writesPerDayBytes);
  add('bramble_node_emmc_life_time_level', h?.emmcLifeTimeLevel);
  add('bramble_node_emmc_pre_eol_level', h?.emmcPreEolLevel);
  for (const e of status?.health?.history ?? []) add('bramble_node_health_problem_boots', e.boots, { problem: e.problem });
  return out;
}
