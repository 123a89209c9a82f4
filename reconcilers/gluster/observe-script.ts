// The one read-only script a GlusterVolume observe sends to a host (as root, over `sh -s`).
// Every host: glusterd, its pool (peer status), its UUID, its users' home directories. For each
// brick directory asked about: whether it and its parent exist, the device it is (or would be)
// on, and the volume ID Gluster wrote into its trusted.glusterfs.volume-id xattr. The volume's
// primary host also asks gluster about the volume (info, status, heal summary, rebalance); for
// each mount point asked about: what is mounted there, its fstab lines, and whether the bare
// directory holds anything. Sections are framed by a per-run marker (see
// ../shared/parse-sections.ts); a section about a path carries the path in its name. Every gluster
// call is bounded: a hung glusterd must not hold the observe.
import { sh, shellQuote } from '../../ssh/quote.ts';
import { observeFrame, probeLines, type Probe } from '../shared/observe-frame.ts';
import { bootStateProbe } from '../shared/boot-state.ts';
import { homeDirsProbe } from '../shared/home-dirs.ts';

export interface ObserveRequest {
  /** Brick directories on this host (base path + volume name). */
  brickDirs?: readonly string[];
  /** Ask gluster about this volume (only on the primary). */
  volume?: string;
  /** Mount points on this host. */
  mountPaths?: readonly string[];
}

export const glusterCallTimeoutSeconds = 30;
/** gluster's XML about a volume of many bricks (about 1 KiB per brick) or many peers. */
export const glusterXmlLimitBytes = 1024 * 1024;
/** The sections with their own bound, for parse-observed.ts. */
export const glusterSectionLimits: ReadonlyMap<string, number> = new Map(
  ['gluster-peers', 'volume-info', 'volume-status', 'heal-summary', 'rebalance'].map((n) => [n, glusterXmlLimitBytes]),
);
const gluster = (args: string) => `timeout ${glusterCallTimeoutSeconds} gluster --xml ${args}`;

/** Section names about a path: the kind, a space, the path (quoted in the script, plain in the output). */
export const pathSection = (kind: 'brick' | 'mounted' | 'fstab' | 'mountdir', path: string) => `${kind} ${path}`;

const volumeIdHex = (dir: string) =>
  sh`getfattr -n trusted.glusterfs.volume-id -e hex --absolute-names ${dir} | sed -n 's/^trusted\\.glusterfs\\.volume-id=0x//p'`;

export function glusterObserveScript(request: ObserveRequest, nonce: string): string {
  const probes: Probe[] = [
    ['gluster-cli', 'command -v gluster'],
    ['glusterd', 'printf \'%s %s\\n\' "$(systemctl is-active glusterd)" "$(systemctl is-enabled glusterd)"'],
    ['glusterd-uuid', 'cat /var/lib/glusterd/glusterd.info'],
    ['gluster-peers', `systemctl is-active -q glusterd && ${gluster('peer status')}`, glusterXmlLimitBytes],
    ['root-device', 'stat -c %d /'],
    homeDirsProbe,
    bootStateProbe,
  ];
  for (const dir of request.brickDirs ?? []) {
    // The device the brick is or would be on: its own, or its nearest existing parent's.
    probes.push([
      shellQuote(pathSection('brick', dir)),
      sh`p=${dir}; e=0; [ -d "$p" ] && e=1; d=0; [ -d "$(dirname "$p")" ] && d=1; ` +
        `while [ ! -e "$p" ]; do p=$(dirname "$p"); done; printf 'exists=%s parent=%s dev=%s volume-id=%s\\n' "$e" "$d" "$(stat -c %d "$p")" "$(${volumeIdHex(dir)})"`,
    ]);
  }
  if (request.volume) {
    const v = request.volume;
    probes.push(
      ['volume-info', `systemctl is-active -q glusterd && ${gluster(sh`volume info ${v}`)}`, glusterXmlLimitBytes],
      ['volume-status', `systemctl is-active -q glusterd && ${gluster(sh`volume status ${v}`)}`, glusterXmlLimitBytes],
      ['heal-summary', `systemctl is-active -q glusterd && ${gluster(sh`volume heal ${v} info summary`)}`, glusterXmlLimitBytes],
      ['rebalance', `systemctl is-active -q glusterd && ${gluster(sh`volume rebalance ${v} status`)}`, glusterXmlLimitBytes],
    );
  }
  if (request.mountPaths?.length) probes.push(['mount-helper', 'command -v mount.glusterfs || ls /sbin/mount.glusterfs']);
  for (const p of request.mountPaths ?? []) {
    probes.push(
      [shellQuote(pathSection('mounted', p)), sh`findmnt -n -o SOURCE,FSTYPE --mountpoint ${p}`],
      [shellQuote(pathSection('fstab', p)), sh`awk -v p=${p} '$1 !~ /^#/ && $2 == p' /etc/fstab`],
      // Only the bare directory matters: what a mount shows is not what mounting would hide.
      [
        shellQuote(pathSection('mountdir', p)),
        sh`p=${p}; if findmnt -n --mountpoint "$p" >/dev/null; then echo mounted; elif [ ! -e "$p" ]; then echo absent; ` +
          'elif [ -d "$p" ] && [ -z "$(ls -A "$p")" ]; then echo empty; else echo nonempty; fi',
      ],
    );
  }
  return observeFrame(probeLines(probes), nonce);
}
