// Gauge samples for GlusterVolumes, pure like the PiNode and Slurm ones, from a volume's status.
// Labels are bounded: namespace and the GlusterVolume's name (manifests/metric-names.json).
import type { GaugeSample } from '../../metrics/sample-gauges.ts';
import type { GlusterVolumeStatus } from './types.ts';

export const glusterGaugeHelp: Record<string, string> = {
  bramble_gluster_bricks_online: 'Bricks of a GlusterVolume whose brick process is online',
  bramble_gluster_bricks: 'Bricks in a GlusterVolume',
  bramble_gluster_heal_pending_entries: 'Entries of a GlusterVolume waiting for self-heal (heal info summary)',
  bramble_gluster_volume_up: '1 when the Gluster volume is started, else 0',
};

export function glusterVolumeGaugeSamples(namespace: string, name: string, status: GlusterVolumeStatus | undefined): GaugeSample[] {
  const labels = { namespace, glustervolume: name };
  const out: GaugeSample[] = [];
  const add = (metric: string, value: number | undefined) => {
    if (value !== undefined) out.push({ name: metric, help: glusterGaugeHelp[metric] ?? '', labels, value });
  };
  add('bramble_gluster_bricks_online', status?.bricksOnline);
  add('bramble_gluster_bricks', status?.bricksTotal);
  add('bramble_gluster_heal_pending_entries', status?.healPendingEntries);
  if (status?.volumeState !== undefined) add('bramble_gluster_volume_up', status.volumeState === 'Started' ? 1 : 0);
  return out;
}
