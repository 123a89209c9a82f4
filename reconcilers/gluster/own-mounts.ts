// What counts as bramble's own mount of a volume on a Pi: an fstab line of type glusterfs whose
// source is `<server>:/<volume>` (the shape bramble writes), and a fuse.glusterfs mount of that
// source. Anything else at the mount point is someone else's and is never replaced or unmounted.
// Pure.
import type { MountPointObservation } from './parse-observed.ts';

function servesVolume(source: string, volume: string): boolean {
  return source.endsWith(`:/${volume}`) && source.length > volume.length + 2;
}

/** An fstab line (fields split on blanks) bramble may have written for `volume`. */
export function isOwnFstabLine(line: string, volume: string): boolean {
  const [source, , fstype] = line.trim().split(/\s+/);
  return fstype === 'glusterfs' && servesVolume(source ?? '', volume);
}

export function isOwnMount(mounted: { source: string; fstype: string } | undefined, volume: string): boolean {
  return mounted !== undefined && mounted.fstype === 'fuse.glusterfs' && servesVolume(mounted.source, volume);
}

/** Whether `mount` shows bramble's fstab line or mount of `volume` there. */
export function holdsOwnMount(mount: MountPointObservation | undefined, volume: string): boolean {
  return mount !== undefined && (isOwnMount(mount.mounted, volume) || mount.fstab.some((l) => isOwnFstabLine(l, volume)));
}

/** What at the mount point is not bramble's: foreign fstab lines, a foreign mount, files a mount would hide. */
export function foreignAtMountPoint(mount: MountPointObservation, volume: string, path: string): string[] {
  const out = mount.fstab.filter((l) => !isOwnFstabLine(l, volume)).map((l) => `fstab line '${l}'`);
  if (mount.mounted && !isOwnMount(mount.mounted, volume)) out.push(`${mount.mounted.source} (${mount.mounted.fstype}) is mounted there`);
  if (mount.dir === 'nonempty') out.push(`${path} holds files (mounting over them would hide them)`);
  return out;
}
