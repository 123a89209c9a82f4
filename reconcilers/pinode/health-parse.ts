// Pure parsers for the health section of the observe (health-probes.ts): kernel log counts,
// read-only mounts, ext4 error counts, bytes written to the root disk, eMMC wear, and the
// firmware's temperature when no thermal zone is exposed. Absent or unreadable → left out.
import { sectionText, type Sections } from '../shared/parse-sections.ts';
import type { PiNodeHealthFacts } from '../../crds/pinode-health.ts';

/** /sys/block/DISK/stat counts sectors of 512 bytes whatever the disk's own sector size. */
const sectorBytes = 512;
/** Field 7 of /sys/block/DISK/stat (Documentation/block/stat.rst): sectors written. */
const sectorsWrittenField = 6;

/** The count after `label ` in the kernel-log section ("under-voltage 3"). */
function labelled(text: string | undefined, label: string): number | undefined {
  const line = text?.split('\n').find((l) => l.startsWith(`${label} `));
  return line === undefined ? undefined : count(line.slice(label.length + 1));
}

function count(text: string | undefined): number | undefined {
  const n = Number(text?.split('\n')[0]?.trim());
  return text !== undefined && Number.isInteger(n) && n >= 0 ? n : undefined;
}

interface Mount {
  device: string;
  mountPoint: string;
  options: string[];
}

function mountsOf(text: string | undefined): Mount[] {
  return (text ?? '')
    .split('\n')
    .filter((line) => !line.startsWith('#'))
    .flatMap((line) => {
      const [device, mountPoint, , options] = line.trim().split(/\s+/);
      return device && mountPoint && options
        ? [{ device, mountPoint: mountPoint.replaceAll('\\040', ' '), options: options.split(',') }]
        : [];
    });
}

/**
 * Mounts of the system's own (under /run, /proc, /sys, /dev) are not data: a container's
 * read-only bind of the host's os-release (/run/host/os-release, ext4, ro) is no failing card.
 */
function isDataMount(mountPoint: string): boolean {
  return !/^\/(run|proc|sys|dev)(\/|$)/.test(mountPoint);
}

/** mmcblk0p2 → mmcblk0, nvme0n1p1 → nvme0n1, sda2 → sda. */
export function diskOfPartition(name: string): string {
  const numbered = /^(mmcblk\d+|nvme\d+n\d+)p\d+$/.exec(name);
  if (numbered?.[1]) return numbered[1];
  const lettered = /^((?:sd|vd|hd|xvd)[a-z]+)\d+$/.exec(name);
  return lettered?.[1] ?? name;
}

/** Sectors written per disk, from `NAME <stat fields>` lines. */
function sectorsWritten(text: string | undefined): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [name, ...fields] = line.trim().split(/\s+/);
    const sectors = Number(fields[sectorsWrittenField]);
    if (name && Number.isSafeInteger(sectors) && sectors >= 0) out.set(name, sectors);
  }
  return out;
}

/**
 * The disk under /: its device in /proc/mounts, or, where that says /dev/root (older Raspberry
 * Pi OS), the first SD card, NVMe or USB disk the kernel lists.
 */
function rootDiskOf(mounts: Mount[], disks: Map<string, number>): string | undefined {
  const root = mounts.find((m) => m.mountPoint === '/')?.device.replace(/^\/dev\//, '');
  const fromMounts = root ? diskOfPartition(root) : undefined;
  if (fromMounts && disks.has(fromMounts)) return fromMounts;
  return [...disks.keys()].find((d) => /^(mmcblk\d+|nvme\d+n\d+|(?:sd|vd|xvd)[a-z]+)$/.test(d));
}

/** The largest level in "0x01 0x02" style values (life_time holds two, pre_eol_info one). */
function emmcLevels(text: string | undefined): { lifeTime?: number; preEol?: number } {
  let lifeTime: number | undefined;
  let preEol: number | undefined;
  for (const line of (text ?? '').split('\n')) {
    const [, a, b, eol] = line
      .trim()
      .split(/\s+/)
      .map((v) => Number.parseInt(v, 16));
    for (const level of [a, b]) if (level !== undefined && Number.isFinite(level)) lifeTime = Math.max(lifeTime ?? 0, level);
    if (eol !== undefined && Number.isFinite(eol)) preEol = Math.max(preEol ?? 0, eol);
  }
  return { ...(lifeTime !== undefined ? { lifeTime } : {}), ...(preEol !== undefined ? { preEol } : {}) };
}

/** "temp=47.2'C" → 47.2 */
export function parseMeasureTemp(text: string | undefined): number | undefined {
  const m = /temp=(-?\d+(?:\.\d+)?)/.exec(text ?? '');
  return m?.[1] ? Number(m[1]) : undefined;
}

export function parseHealthFacts(sections: Sections): PiNodeHealthFacts {
  const health: PiNodeHealthFacts = {};
  const kernelLog = sectionText(sections, 'health-kernel-log');
  const underVoltage = labelled(kernelLog, 'under-voltage');
  if (underVoltage !== undefined) health.underVoltageMessages = underVoltage;
  const readOnlyLog = labelled(kernelLog, 'read-only-remount');
  if (readOnlyLog !== undefined) health.readOnlyRemountMessages = readOnlyLog;

  const mountsText = sectionText(sections, 'health-mounts');
  const mounts = mountsOf(mountsText);
  if (mountsText?.startsWith('# /proc/mounts')) {
    const readOnly = mounts.filter((m) => m.options.includes('ro') && isDataMount(m.mountPoint));
    health.readOnlyMounts = [...new Set(readOnly.map((m) => m.mountPoint))].slice(0, 32);
  }
  const ext4 = sectionText(sections, 'health-ext4-errors');
  if (ext4 !== undefined) {
    health.ext4Errors = ext4.split('\n').reduce((sum, line) => sum + (count(line.trim().split(/\s+/)[1]) ?? 0), 0);
  }
  const disks = sectorsWritten(sectionText(sections, 'health-block-stat'));
  const rootDisk = rootDiskOf(mounts, disks);
  if (rootDisk) {
    health.rootDisk = rootDisk;
    health.bytesWrittenSinceBoot = (disks.get(rootDisk) ?? 0) * sectorBytes;
  }
  const emmc = emmcLevels(sectionText(sections, 'health-emmc'));
  if (emmc.lifeTime !== undefined) health.emmcLifeTimeLevel = emmc.lifeTime;
  if (emmc.preEol !== undefined) health.emmcPreEolLevel = emmc.preEol;
  return health;
}
