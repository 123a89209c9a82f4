// The power and storage section of the PiNode's one observe script (issue 21). Read-only, and
// every probe tolerates its tool or file being absent: an SD card has no eMMC life_time, a Pi
// without the firmware tools has no vcgencmd, a container sees no kernel log of its own.
import type { Probe } from '../shared/observe-frame.ts';

/** The kernel log of this boot: the journal's when journalctl runs, else the ring buffer. */
const kernelLog = '{ journalctl -k -b -q --no-pager -o cat || dmesg; }';

/** Reads a kernel log on stdin, prints "under-voltage N" and "read-only-remount N" (older and newer kernels' wording). */
export const kernelLogCounts =
  "awk '{ l = tolower($0) } l ~ /under-?voltage detected/ { u++ } l ~ /remounting filesystem read-only/ { r++ } " +
  'END { print "under-voltage " u + 0; print "read-only-remount " r + 0 }\'';

export const healthProbes: Probe[] = [
  // "temp=47.2'C": the firmware's reading, for a Pi whose thermal zone is not exposed.
  ['health-measure-temp', 'command -v vcgencmd >/dev/null && vcgencmd measure_temp'],
  // Counted on the Pi, in one pass over the log (it can be long on a Pi with a persistent
  // journal): a flapping supply logs thousands of lines, the counts are two.
  ['health-kernel-log', `${kernelLog} | ${kernelLogCounts}`],
  // The first line says /proc/mounts was read, so "no disk filesystem listed" is not "unknown".
  [
    'health-mounts',
    "[ -r /proc/mounts ] && echo '# /proc/mounts' && grep -E '^[^ ]+ [^ ]+ (ext[234]|f2fs|btrfs|xfs|vfat|exfat) ' /proc/mounts",
  ],
  [
    'health-ext4-errors',
    'for f in /sys/fs/ext4/*/errors_count; do [ -r "$f" ] && d=${f%/errors_count} && echo "${d##*/} $(cat "$f")"; done',
  ],
  [
    'health-block-stat',
    'for f in /sys/block/*/stat; do d=${f%/stat}; d=${d##*/}; case $d in loop*|ram*|zram*) continue;; esac; echo "$d $(cat "$f")"; done',
  ],
  [
    'health-emmc',
    'for d in /sys/block/mmcblk*/device; do [ -r "$d/life_time" ] || continue; n=${d%/device}; echo "${n##*/} $(cat "$d/life_time") $(cat "$d/pre_eol_info")"; done',
  ],
];
