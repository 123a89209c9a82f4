// Reads what glusterObserveScript printed into a typed observation of one host. Pure.
import { parseSections, sectionText } from '../shared/parse-sections.ts';
import { glusterSectionLimits } from './observe-script.ts';
import { bootStateProbe, isBooting } from '../shared/boot-state.ts';
import { homeDirsOf } from '../shared/home-dirs.ts';
import {
  parseGlusterdUuid,
  parseHealSummary,
  parsePeerStatus,
  parseRebalanceStatus,
  parseVolumeInfo,
  parseVolumeStatus,
  type BrickProcess,
  type GlusterPeer,
  type GlusterVolumeInfo,
  type HealSummary,
} from './parse-gluster.ts';

export interface VolumeObservation {
  /** Undefined when the volume does not exist. */
  info?: GlusterVolumeInfo;
  processes: BrickProcess[];
  /** Undefined when gluster could not say (volume stopped, not replicated, glusterd down). */
  heal?: HealSummary;
  rebalance?: string;
  /** Why gluster did not answer about the volume, when it did not. */
  error?: string;
}

export interface BrickDirObservation {
  exists: boolean;
  /** Whether the directory it would be created in exists (Gluster creates only the last level). */
  parentExists: boolean;
  /** Device of the directory, or of its nearest existing parent. */
  device: string;
  /** The UUID in its trusted.glusterfs.volume-id xattr: which Gluster volume it is a brick of. */
  volumeId?: string;
}

export interface MountPointObservation {
  mounted?: { source: string; fstype: string };
  /** The fstab lines (not comments) whose mount point is this path. */
  fstab: string[];
  /** The bare directory: "mounted" when something is mounted over it. */
  dir: 'absent' | 'empty' | 'nonempty' | 'mounted';
}

export interface HostObservation {
  glusterInstalled: boolean;
  glusterd: { active: boolean; enabled: boolean };
  uuid?: string;
  /** Other members of this host's pool (empty when glusterd is down or alone). */
  peers: GlusterPeer[];
  rootDevice?: string;
  /** Home directories of the host's users (the data-path rule's Pi-side half). */
  homes: string[];
  /** By brick directory, for each one asked about. */
  bricks: Map<string, BrickDirObservation>;
  volume?: VolumeObservation;
  /** Whether mount.glusterfs is installed (asked only of mount hosts). */
  mountHelper?: boolean;
  /** By mount point, for each one asked about. */
  mounts: Map<string, MountPointObservation>;
  /** systemd is still booting the host (see ../shared/boot-state.ts). */
  booting?: boolean;
}

function attempt<T>(fn: () => T): { value?: T; error?: string } {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function observeVolume(get: (name: string) => string | undefined): VolumeObservation {
  const infoText = get('volume-info');
  if (!infoText) return { processes: [], error: 'gluster did not answer (glusterd not running?)' };
  const info = attempt(() => parseVolumeInfo(infoText));
  if (info.error) return { processes: [], error: info.error };
  const out: VolumeObservation = { processes: [] };
  if (!info.value) return out;
  out.info = info.value;
  const status = attempt(() => parseVolumeStatus(get('volume-status') ?? ''));
  if (status.value) out.processes = status.value;
  const healText = get('heal-summary');
  const heal = healText ? attempt(() => parseHealSummary(healText)) : {};
  if (heal.value) out.heal = heal.value;
  const rebalance = parseRebalanceStatus(get('rebalance') ?? '');
  if (rebalance) out.rebalance = rebalance;
  return out;
}

/** 32 hex digits as Gluster prints the xattr, in the UUID form `volume info` uses. */
export function uuidOfHex(hex: string): string | undefined {
  const h = hex.trim().toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(h)) return undefined;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function brickDir(text: string): BrickDirObservation | undefined {
  const m = /^exists=([01])(?: parent=([01]))? dev=(\d+)(?: volume-id=(\S*))?$/.exec(text);
  if (!m) return undefined;
  const exists = m[1] === '1';
  const volumeId = uuidOfHex(m[4] ?? '');
  return { exists, parentExists: exists || m[2] === '1', device: m[3] ?? '', ...(volumeId ? { volumeId } : {}) };
}

function mountPoint(get: (name: string) => string | undefined, path: string): MountPointObservation {
  const [source, fstype] = (get(`mounted ${path}`) ?? '').split('\n')[0]?.split(/\s+/) ?? [];
  const dir = get(`mountdir ${path}`);
  return {
    fstab: (get(`fstab ${path}`) ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean),
    dir: dir === 'empty' || dir === 'nonempty' || dir === 'mounted' ? dir : 'absent',
    ...(source && fstype ? { mounted: { source, fstype } } : {}),
  };
}

export function parseHostObservation(blob: string, nonce: string): HostObservation {
  const sections = parseSections(blob, nonce, glusterSectionLimits);
  const get = (name: string) => sectionText(sections, name);
  const [active, enabled] = (get('glusterd') ?? '').split(' ');
  const peersText = get('gluster-peers');
  const peers = peersText ? (attempt(() => parsePeerStatus(peersText)).value ?? []) : [];
  const obs: HostObservation = {
    glusterInstalled: Boolean(get('gluster-cli')),
    glusterd: { active: active === 'active', enabled: enabled === 'enabled' },
    peers,
    homes: homeDirsOf(sections),
    bricks: new Map(),
    mounts: new Map(),
    booting: isBooting(get(bootStateProbe[0])),
  };
  const uuid = parseGlusterdUuid(get('glusterd-uuid') ?? '');
  if (uuid) obs.uuid = uuid;
  const root = get('root-device');
  if (root) obs.rootDevice = root;
  for (const name of sections.keys()) {
    if (name.startsWith('brick /')) {
      const b = brickDir(get(name) ?? '');
      if (b) obs.bricks.set(name.slice('brick '.length), b);
    } else if (name.startsWith('mountdir /')) {
      const path = name.slice('mountdir '.length);
      obs.mounts.set(path, mountPoint(get, path));
    }
  }
  if (sections.has('volume-info')) obs.volume = observeVolume(get);
  if (sections.has('mount-helper')) obs.mountHelper = Boolean(get('mount-helper'));
  return obs;
}
