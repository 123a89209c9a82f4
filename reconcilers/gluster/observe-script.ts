// The one read-only script a GlusterVolume observe sends to a host (as root, over `sh -s`).
// Every host: glusterd, its pool (peer status), its UUID, where its brick would live. The
// volume's primary host also asks gluster about the volume (info, status, heal summary,
// rebalance); mount hosts report their mount and fstab line. Sections are framed by a per-run
// marker (see ../shared/parse-sections.ts). Every gluster call is bounded: a hung glusterd must
// not hold the observe.
import { sh } from '../../ssh/quote.ts';
import { observeFrame, probeLines, type Probe } from '../shared/observe-frame.ts';
import { bootStateProbe } from '../shared/boot-state.ts';

export interface ObserveRequest {
  /** Brick directory on this host (base path + volume name), when it holds one. */
  brickDir?: string;
  /** Ask gluster about this volume (only on the primary). */
  volume?: string;
  /** Mount point on this host, when it mounts the volume. */
  mountPath?: string;
}

export const glusterCallTimeoutSeconds = 30;
const gluster = (args: string) => `timeout ${glusterCallTimeoutSeconds} gluster --xml ${args}`;

export function glusterObserveScript(request: ObserveRequest, nonce: string): string {
  const probes: Probe[] = [
    ['gluster-cli', 'command -v gluster'],
    ['glusterd', "printf '%s %s\\n' \"$(systemctl is-active glusterd)\" \"$(systemctl is-enabled glusterd)\""],
    ['glusterd-uuid', 'cat /var/lib/glusterd/glusterd.info'],
    ['gluster-peers', `systemctl is-active -q glusterd && ${gluster('peer status')}`],
    ['root-device', 'stat -c %d /'],
    bootStateProbe,
  ];
  if (request.brickDir) {
    // The device the brick would be on: its own, or its nearest existing parent's.
    probes.push(['brick', sh`p=${request.brickDir}; e=0; [ -d "$p" ] && e=1; while [ ! -e "$p" ]; do p=$(dirname "$p"); done; printf 'exists=%s dev=%s\\n' "$e" "$(stat -c %d "$p")"`]);
  }
  if (request.volume) {
    const v = request.volume;
    probes.push(
      ['volume-info', `systemctl is-active -q glusterd && ${gluster(sh`volume info ${v}`)}`],
      ['volume-status', `systemctl is-active -q glusterd && ${gluster(sh`volume status ${v}`)}`],
      ['heal-summary', `systemctl is-active -q glusterd && ${gluster(sh`volume heal ${v} info summary`)}`],
      ['rebalance', `systemctl is-active -q glusterd && ${gluster(sh`volume rebalance ${v} status`)}`],
    );
  }
  if (request.mountPath) {
    const p = request.mountPath;
    probes.push(
      ['mount-helper', 'command -v mount.glusterfs || ls /sbin/mount.glusterfs'],
      ['mounted', sh`findmnt -n -o SOURCE,FSTYPE --mountpoint ${p}`],
      ['fstab', sh`awk -v p=${p} '$1 !~ /^#/ && $2 == p' /etc/fstab`],
    );
  }
  return observeFrame(probeLines(probes), nonce);
}
