// What a GlusterVolume asks for, made concrete from its spec and the PiNodes it names: the
// bricks in order (consecutive bricks form a replica/disperse set), the mount hosts and the
// fstab line. What cannot be valid is refused here, before any SSH: system paths (the schema's
// rule again, for objects that did not come through kubectl apply) and brick hosts with IPv6
// addresses (see the README's Decisions). Pure.
import { dataPathProblem } from '../../crds/data-path.ts';
import type { GlusterVolume, GlusterVolumeSpec, PiNode } from './types.ts';

export interface BrickHost {
  node: string;
  address: string;
  /** Brick directory: the spec's path plus the volume name (own directory per volume). */
  dir: string;
}

export interface MountHost {
  node: string;
  address: string;
}

export interface DesiredVolume {
  name: string;
  spec: GlusterVolumeSpec;
  bricks: BrickHost[];
  /** Bricks per replica/disperse set (1 for Distribute). */
  setSize: number;
  mounts: MountHost[];
  mountPath?: string;
  /** The one fstab line every mount host carries. */
  fstabLine?: string;
}

export type LayoutOutcome = { ok: true; volume: DesiredVolume } | { ok: false; reason: string; message: string; stalled: boolean };

export function volumeNameOf(obj: GlusterVolume): string {
  return obj.spec.volumeName ?? obj.metadata.name;
}

export function setSizeOf(spec: GlusterVolumeSpec): number {
  if (spec.type === 'Replicate') return spec.replica ?? 1;
  if (spec.type === 'Disperse') return spec.disperse ?? 1;
  return 1;
}

export function brickName(b: { address: string; dir: string }): string {
  return `${b.address}:${b.dir}`;
}

/** fstab: the first brick host serves the volfile, the others are its backups. */
export function fstabLineOf(volume: string, bricks: readonly BrickHost[], mountPath: string): string {
  const servers = [...new Set(bricks.map((b) => b.address))];
  const options = ['defaults', '_netdev', ...(servers.length > 1 ? [`backup-volfile-servers=${servers.slice(1).join(':')}`] : [])];
  return `${servers[0] ?? ''}:/${volume} ${mountPath} glusterfs ${options.join(',')} 0 0`;
}

export interface LayoutInput {
  obj: GlusterVolume;
  /** PiNodes the bricks select: by name for nodeNames, or the selector's result. */
  brickNodes: readonly PiNode[];
  /** Names asked for by nodeNames that have no PiNode. */
  missingNodes: readonly string[];
  mountNodes: readonly PiNode[];
}

export function desiredVolume(input: LayoutInput): LayoutOutcome {
  const { obj } = input;
  const spec = obj.spec;
  const name = volumeNameOf(obj);
  const systemPaths = [
    ['spec.bricks.path', spec.bricks.path],
    ['spec.mount.path', spec.mount?.path],
  ].flatMap(([field, path]) => (path ? [dataPathProblem(path)].filter(Boolean).map((p) => `${field} ${p}`) : []));
  if (systemPaths.length) {
    return { ok: false, reason: 'SystemPath', message: `${systemPaths.join('; ')}; nothing was sent to any Pi`, stalled: true };
  }
  if (input.missingNodes.length) {
    return { ok: false, reason: 'NodesNotFound', message: `PiNodes not found: ${input.missingNodes.join(', ')}`, stalled: false };
  }
  const setSize = setSizeOf(spec);
  if (input.brickNodes.length === 0) {
    return { ok: false, reason: 'NoBrickNodes', message: 'no PiNode is selected for bricks', stalled: false };
  }
  if (input.brickNodes.length % setSize !== 0) {
    return {
      ok: false,
      reason: 'BrickCountInvalid',
      message: `a ${spec.type} volume needs bricks in multiples of ${setSize}; ${input.brickNodes.length} PiNode(s) selected`,
      stalled: true,
    };
  }
  const ipv6 = input.brickNodes.filter((n) => n.spec.address.includes(':'));
  if (ipv6.length) {
    return {
      ok: false,
      reason: 'IPv6NotSupported',
      message:
        `brick PiNodes with IPv6 addresses: ${ipv6.map((n) => `${n.metadata.name} (${n.spec.address})`).join(', ')}. GlusterFS 10 peers, bricks and mounts ` +
        'speak IPv4 unless every glusterd is switched to IPv6 only (transport.address-family inet6 in /etc/glusterfs/glusterd.vol) and every mount asks for it, ' +
        'which bramble does not do; give these PiNodes an IPv4 address or a DNS name that resolves to one',
      stalled: true,
    };
  }
  const base = spec.bricks.path.replace(/\/+$/, '');
  const bricks = input.brickNodes.map((n) => ({ node: n.metadata.name, address: n.spec.address, dir: `${base}/${name}` }));
  const addresses = new Set(bricks.map((b) => b.address));
  if (addresses.size !== bricks.length) {
    return {
      ok: false,
      reason: 'DuplicateBrickHost',
      message: 'two selected PiNodes share an address: each brick needs its own host',
      stalled: true,
    };
  }
  const volume: DesiredVolume = {
    name,
    spec,
    bricks,
    setSize,
    mounts: input.mountNodes.map((n) => ({ node: n.metadata.name, address: n.spec.address })),
  };
  if (spec.mount) {
    volume.mountPath = spec.mount.path;
    volume.fstabLine = fstabLineOf(name, bricks, spec.mount.path);
  }
  return { ok: true, volume };
}

export function byName<T extends { metadata: { name: string } }>(list: readonly T[]): T[] {
  return [...list].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}
