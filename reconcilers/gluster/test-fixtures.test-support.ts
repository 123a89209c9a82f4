// Test support: GlusterVolumes, PiNodes and host observations built in code, for the pure parts.
import type { GlusterVolume, GlusterVolumeSpec, PiNode } from './types.ts';
import type { HostObservation, MountPointObservation } from './parse-observed.ts';
import type { GlusterVolumeInfo } from './parse-gluster.ts';
import { desiredVolume, type DesiredVolume } from './layout.ts';
import { ownerOption, ownerNameOption, type Owner } from './ownership.ts';

/** The GlusterVolume these fixtures stand for: lab/shared. */
export const owner: Owner = { uid: '3f9a7c52-0000-4000-8000-0000000000aa', name: 'lab/shared' };
export const sharedVolumeId = '6c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5';

export function piNode(name: string, address: string, labels: Record<string, string> = {}): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name, namespace: 'lab', labels },
    spec: { address, ssh: { user: 'pi', privateKeySecretRef: { name: 'key' }, hostKeyPolicy: 'TrustOnFirstUse' } },
  } as unknown as PiNode;
}

export const nodes = [
  piNode('pi0', '10.0.0.10'),
  piNode('pi1', '10.0.0.11'),
  piNode('pi2', '10.0.0.12'),
  piNode('pi3', '10.0.0.13'),
  piNode('pi4', '10.0.0.14'),
  piNode('pi5', '10.0.0.15'),
];

export function volumeObject(spec: Partial<GlusterVolumeSpec> = {}, name = 'shared'): GlusterVolume {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name, namespace: 'lab', uid: owner.uid, generation: 1 },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: false },
      reclaimPolicy: 'Retain',
      mount: { nodeSelector: {}, path: '/mnt/shared' },
      ...spec,
    },
  } as GlusterVolume;
}

export function desired(
  spec: Partial<GlusterVolumeSpec> = {},
  brickNodes = nodes.slice(0, 3),
  mountNodes = nodes.slice(0, 3),
): DesiredVolume {
  const out = desiredVolume({ obj: volumeObject(spec), brickNodes, missingNodes: [], mountNodes });
  if (!out.ok) throw new Error(out.message);
  return out.volume;
}

let uuidCounter = 0;
/** A fresh Pi: glusterd installed but stopped, alone, brick directory and its parent absent (on its own disk), nothing mounted. */
export function freshHost(d: DesiredVolume = desired(), overrides: Partial<HostObservation> = {}): HostObservation {
  uuidCounter++;
  return {
    glusterInstalled: true,
    glusterd: { active: false, enabled: false },
    uuid: `00000000-0000-0000-0000-${String(uuidCounter).padStart(12, '0')}`,
    peers: [],
    rootDevice: '2049',
    homes: ['/home/pi', '/root', '/nonexistent'],
    bricks: new Map([[d.bricks[0]?.dir ?? '', { exists: false, parentExists: false, device: '2065' }]]),
    mountHelper: true,
    mounts: new Map(d.mountPath ? [[d.mountPath, { fstab: [], dir: 'absent' } satisfies MountPointObservation]] : []),
    ...overrides,
  };
}

export function volumeInfo(d: DesiredVolume, overrides: Partial<GlusterVolumeInfo> = {}): GlusterVolumeInfo {
  return {
    name: d.name,
    state: 'Started',
    typeStr: 'Replicate',
    replicaCount: 3,
    arbiterCount: 0,
    disperseCount: 0,
    redundancyCount: 0,
    id: sharedVolumeId,
    bricks: d.bricks.map((b) => ({ name: `${b.address}:${b.dir}`, host: b.address, path: b.dir, arbiter: false })),
    options: new Map([
      [ownerOption, owner.uid],
      [ownerNameOption, owner.name],
    ]),
    ...overrides,
  };
}

/** Hosts of a converged volume: glusterd running, one pool, volume started, mounted everywhere. */
export function convergedHosts(d: DesiredVolume): Map<string, HostObservation> {
  const uuids = d.bricks.map((_, i) => `11111111-0000-0000-0000-${String(i).padStart(12, '0')}`);
  const hosts = new Map<string, HostObservation>();
  d.bricks.forEach((b, i) => {
    hosts.set(b.node, {
      glusterInstalled: true,
      glusterd: { active: true, enabled: true },
      uuid: uuids[i],
      peers: d.bricks
        .filter((o) => o.node !== b.node)
        .map((o) => ({
          uuid: uuids[d.bricks.indexOf(o)] ?? '',
          hostname: o.address,
          hostnames: [o.address],
          connected: true,
          state: 'Peer in Cluster',
        })),
      rootDevice: '2049',
      homes: ['/home/pi', '/root', '/nonexistent'],
      bricks: new Map([[b.dir, { exists: true, parentExists: true, device: '2065', volumeId: sharedVolumeId }]]),
      mountHelper: true,
      mounts: new Map(
        d.mountPath
          ? [
              [
                d.mountPath,
                {
                  fstab: [d.fstabLine ?? ''],
                  dir: 'mounted',
                  mounted: { source: `${d.bricks[0]?.address}:/${d.name}`, fstype: 'fuse.glusterfs' },
                } satisfies MountPointObservation,
              ],
            ]
          : [],
      ),
    });
  });
  const primary = hosts.get(d.bricks[0]?.node ?? '');
  if (primary) {
    primary.volume = {
      info: volumeInfo(d, {
        options: new Map([...volumeInfo(d).options, ...(d.spec.options ?? []).map((o) => [o.name, o.value] as const)]),
      }),
      processes: d.bricks.map((b) => ({ host: b.address, path: b.dir, online: true })),
      heal: { pendingEntries: 0, splitBrainEntries: 0, unreachableBricks: [] },
    };
  }
  return hosts;
}
