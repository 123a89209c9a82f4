// Reads what glusterObserveScript printed into a typed observation of one host. Pure.
import { parseSections, sectionText } from '../shared/parse-sections.ts';
import { bootStateProbe, isBooting } from '../shared/boot-state.ts';
import {
  parseGlusterdUuid, parseHealSummary, parsePeerStatus, parseRebalanceStatus, parseVolumeInfo, parseVolumeStatus,
  type BrickProcess, type GlusterPeer, type GlusterVolumeInfo, type HealSummary,
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

export interface HostObservation {
  glusterInstalled: boolean;
  glusterd: { active: boolean; enabled: boolean };
  uuid?: string;
  /** Other members of this host's pool (empty when glusterd is down or alone). */
  peers: GlusterPeer[];
  rootDevice?: string;
  brick?: { exists: boolean; device: string };
  volume?: VolumeObservation;
  mount?: { helper: boolean; mounted?: { source: string; fstype: string }; fstab: string[] };
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

export function parseHostObservation(blob: string, nonce: string): HostObservation {
  const sections = parseSections(blob, nonce);
  const get = (name: string) => sectionText(sections, name);
  const [active, enabled] = (get('glusterd') ?? '').split(' ');
  const peersText = get('gluster-peers');
  const peers = peersText ? attempt(() => parsePeerStatus(peersText)).value ?? [] : [];
  const obs: HostObservation = {
    glusterInstalled: Boolean(get('gluster-cli')),
    glusterd: { active: active === 'active', enabled: enabled === 'enabled' },
    peers,
    booting: isBooting(get(bootStateProbe[0])),
  };
  const uuid = parseGlusterdUuid(get('glusterd-uuid') ?? '');
  if (uuid) obs.uuid = uuid;
  const root = get('root-device');
  if (root) obs.rootDevice = root;
  const brick = /^exists=([01]) dev=(\d+)$/.exec(get('brick') ?? '');
  if (brick) obs.brick = { exists: brick[1] === '1', device: brick[2] ?? '' };
  if (sections.has('volume-info')) obs.volume = observeVolume(get);
  if (sections.has('mounted')) {
    const [source, fstype] = (get('mounted') ?? '').split(/\s+/);
    obs.mount = {
      helper: Boolean(get('mount-helper')),
      fstab: (get('fstab') ?? '').split('\n').map((l) => l.trim()).filter(Boolean),
      ...(source && fstype ? { mounted: { source, fstype } } : {}),
    };
  }
  return obs;
}
