// The steps that put a volume's mount on a Pi and take it off again: glusterfs-client, the fstab
// line, the mount, and the unmount. Each touches only bramble's own fstab line and mount of the
// volume (a glusterfs entry whose source is `<server>:/<volume>`, see own-mounts.ts), checked
// again on the Pi just before it changes anything; whatever else is at the mount point is left
// as it is and fails the step instead.
import { sh } from '../../ssh/quote.ts';
import { replaceFileFunction } from '../shared/shell-snippets.ts';
import type { Step } from '../shared/step.ts';
import { glusterStep } from './steps.ts';

const installTimeoutMs = 15 * 60_000;

/** awk, with -v v=VOLUME: the fields $1 (source) and $2/$3 name bramble's own entry for v. */
const ownSource = 'substr($1, length($1) - length(v) - 1) == (":/" v)';
const ownFstabLine = `$1 !~ /^#/ && $2 == p && $3 == "glusterfs" && ${ownSource}`;
/** `own_mount PATH VOLUME`: succeeds when a fuse.glusterfs mount of VOLUME is at PATH. */
const ownMountFunction = `own_mount() { findmnt -n -o SOURCE,FSTYPE --mountpoint "$1" | awk -v v="$2" '$2 == "fuse.glusterfs" && ${ownSource} {f=1} END{exit f?0:1}'; }`;

export function clientStep(): Step {
  return glusterStep(
    'glusterfs-client',
    'install glusterfs-client (mount.glusterfs)',
    [
      'export DEBIAN_FRONTEND=noninteractive',
      'inst() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 glusterfs-client; }',
      'inst || { apt-get update -q -o DPkg::Lock::Timeout=300 && inst; } || fail "apt-get install glusterfs-client failed"',
      'command -v mount.glusterfs >/dev/null || [ -x /sbin/mount.glusterfs ] || fail "mount.glusterfs is still missing"',
    ],
    'GlusterClientInstalled',
    installTimeoutMs,
  );
}

/**
 * Makes `line` the only fstab entry for `mountPath`, keeping every other line as it was. Only
 * entries of `volume` are replaced: any other entry for the mount point fails the step.
 */
export function fstabStep(mountPath: string, line: string, volume: string): Step {
  return glusterStep(
    'fstab',
    `fstab entry for ${mountPath}: ${line}`,
    [
      replaceFileFunction,
      sh`awk -v p=${mountPath} -v l=${line} 'BEGIN{n=0} $1 !~ /^#/ && $2 == p { if ($0 == l) n++; else bad=1 } END{exit (n==1 && !bad) ? 0 : 1}' /etc/fstab && exit 0`,
      sh`awk -v p=${mountPath} -v v=${volume} ${`$1 !~ /^#/ && $2 == p && !(${ownFstabLine}) {f=1} END{exit f?0:1}`} /etc/fstab ` +
        sh`&& fail ${`/etc/fstab has an entry for ${mountPath} that bramble did not write; left as it is`}`,
      sh`{ awk -v p=${mountPath} '$1 ~ /^#/ || $2 != p' /etc/fstab; printf '%s\\n' ${line}; } | replace_file /etc/fstab 0644 root:root || fail "cannot write /etc/fstab"`,
    ],
    'FstabWritten',
  );
}

/** Mounts `volume` at `mountPath` from fstab, never over another mount or over files. */
export function mountStep(mountPath: string, volume: string): Step {
  return glusterStep(
    'mount',
    `mount ${mountPath}`,
    [
      ownMountFunction,
      sh`own_mount ${mountPath} ${volume} && exit 0`,
      sh`findmnt -n --mountpoint ${mountPath} >/dev/null && fail ${`something other than volume ${volume} is mounted at ${mountPath}; left as it is`}`,
      sh`[ -d ${mountPath} ] && [ -n "$(ls -A ${mountPath})" ] && fail ${`${mountPath} holds files; not mounting over them`}`,
      sh`mkdir -p ${mountPath} || fail ${`cannot create ${mountPath}`}`,
      sh`mount ${mountPath} || fail ${`mount ${mountPath} failed`}`,
      sh`own_mount ${mountPath} ${volume} || fail ${`${mountPath} is not a glusterfs mount of ${volume} after mount`}`,
    ],
    'VolumeMounted',
  );
}

/** Unmounts bramble's mount of `volume` at `mountPath` and removes its fstab entry; nothing else. */
export function unmountStep(mountPath: string, volume: string): Step {
  return glusterStep(
    'unmount',
    `unmount ${volume} from ${mountPath} and remove its fstab entry`,
    [
      replaceFileFunction,
      ownMountFunction,
      sh`if own_mount ${mountPath} ${volume}; then umount ${mountPath} || fail ${`umount ${mountPath} failed (in use?)`}; fi`,
      sh`awk -v p=${mountPath} -v v=${volume} ${`${ownFstabLine} {f=1} END{exit f?0:1}`} /etc/fstab || exit 0`,
      sh`awk -v p=${mountPath} -v v=${volume} ${`!(${ownFstabLine})`} /etc/fstab | replace_file /etc/fstab 0644 root:root || fail "cannot write /etc/fstab"`,
    ],
    'VolumeUnmounted',
  );
}
