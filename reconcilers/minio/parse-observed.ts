// Reads what minioObserveScript printed into a typed observation of one node. Pure.
import { parseSections, sectionText } from '../shared/parse-sections.ts';
import { bootStateProbe, isBooting } from '../shared/boot-state.ts';

export interface DriveObservation {
  path: string;
  exists: boolean;
  owner?: string;
  /** Mount point holding the path (or its nearest existing parent). */
  mountPoint: string;
}

export interface NodeObservation {
  binarySha256?: string;
  userExists: boolean;
  drives: DriveObservation[];
  env?: { mode: string; owner: string; sha256: string };
  unitSha256?: string;
  /** The running server was started with the binary, env file and unit now on disk. */
  appliedCurrent: boolean;
  active: boolean;
  enabled: boolean;
  /** HTTP status of /minio/health/live; 0 when nothing answered. */
  live: number;
  /** HTTP status of /minio/health/cluster; 0 when nothing answered. */
  cluster: number;
  /** systemd is still booting the node (see ../shared/boot-state.ts). */
  booting?: boolean;
}

const hex64 = /^[0-9a-f]{64}$/;

function status(text: string | undefined): number {
  const n = Number(text ?? '0');
  return Number.isInteger(n) ? n : 0;
}

export function parseNodeObservation(blob: string, nonce: string): NodeObservation {
  const s = parseSections(blob, nonce);
  const drives: DriveObservation[] = [];
  for (const line of (sectionText(s, 'drives') ?? '').split('\n')) {
    const [path, exists, owner, mountPoint] = line.split('\t');
    if (!path || !mountPoint) continue;
    drives.push({ path, exists: exists === 'yes', ...(owner && owner !== '-' ? { owner } : {}), mountPoint });
  }
  const binary = sectionText(s, 'binary');
  const unit = sectionText(s, 'unit');
  const [modeOwner, envHash] = (sectionText(s, 'env') ?? '').split('\n');
  const [mode, owner] = (modeOwner ?? '').split(' ');
  const [active, enabled] = (sectionText(s, 'service') ?? '').split(' ');
  return {
    ...(binary && hex64.test(binary) ? { binarySha256: binary } : {}),
    userExists: /^\d+$/.test(sectionText(s, 'user') ?? ''),
    drives,
    ...(mode && owner && envHash && hex64.test(envHash) ? { env: { mode, owner, sha256: envHash } } : {}),
    ...(unit && hex64.test(unit) ? { unitSha256: unit } : {}),
    appliedCurrent: sectionText(s, 'applied') === 'current',
    active: active === 'active',
    enabled: enabled === 'enabled',
    live: status(sectionText(s, 'live')),
    cluster: status(sectionText(s, 'cluster')),
    booting: isBooting(sectionText(s, bootStateProbe[0])),
  };
}
