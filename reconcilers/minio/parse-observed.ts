// Reads what minioObserveScript printed into a typed observation of one node. Pure.
import { parseSections, sectionText } from '../shared/parse-sections.ts';
import { bootStateProbe, isBooting } from '../shared/boot-state.ts';
import { homeDirsOf } from '../shared/home-dirs.ts';

export interface DriveMarker {
  uid: string;
  /** namespace/name of the MinioPool that wrote it ("unknown" when it did not say). */
  name: string;
  /** bramble created the directory itself (so Delete may remove the directory, not only its contents). */
  created: boolean;
}

export interface DriveObservation {
  path: string;
  exists: boolean;
  /** The path is a symbolic link (never used as a drive). */
  symlink?: boolean;
  owner?: string;
  /** Mount point holding the path (or its nearest existing parent). */
  mountPoint: string;
  /** bramble's .bramble-owner file in the drive, when there is one. */
  marker?: DriveMarker;
  /** The deployment ID in the drive's .minio.sys/format.json, when MinIO formatted it. */
  deploymentId?: string;
  /** Entries in the drive besides the marker and lost+found. */
  entries: number;
}

export interface ServiceUser {
  uid: number;
  shell: string;
}

export interface NodeObservation {
  binarySha256?: string;
  /** The service user, when it exists. */
  serviceUser?: ServiceUser;
  drives: DriveObservation[];
  /** The env file: mode, owner, digest, and the MinioPool (namespace/name) its first line names. */
  env?: { mode: string; owner: string; sha256: string; pool?: string };
  unitSha256?: string;
  /** The running server was started with the binary, env file and unit now on disk. */
  appliedCurrent: boolean;
  /** Permission bits of the stamp file, when there is one (e.g. "600"). */
  stampMode?: string;
  active: boolean;
  enabled: boolean;
  /** HTTP status of /minio/health/live; 0 when nothing answered. */
  live: number;
  /** HTTP status of /minio/health/cluster; 0 when nothing answered. */
  cluster: number;
  /** Home directories on the node (getent passwd). */
  homes: string[];
  /** systemd is still booting the node (see ../shared/boot-state.ts). */
  booting?: boolean;
}

const hex64 = /^[0-9a-f]{64}$/;
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The header renderEnvFile writes: "# Managed by bramble for MinioPool <namespace>/<name>; …". */
const envHeader = /^# Managed by bramble for MinioPool ([a-z0-9.-]+\/[a-z0-9.-]+)[;\s]/;

function status(text: string | undefined): number {
  const n = Number(text ?? '0');
  return Number.isInteger(n) ? n : 0;
}

const field = (v: string | undefined) => (v && v !== '-' ? v : undefined);

function parseDrive(line: string): DriveObservation | undefined {
  const [path, exists, owner, mountPoint, uid, name, created, deploymentId, entries] = line.split('\t');
  if (!path || !mountPoint) return undefined;
  const markerUid = field(uid);
  const id = field(deploymentId);
  return {
    path,
    exists: exists === 'yes',
    ...(exists === 'link' ? { symlink: true } : {}),
    ...(field(owner) ? { owner } : {}),
    mountPoint,
    ...(markerUid ? { marker: { uid: markerUid, name: field(name) ?? 'unknown', created: created === 'yes' } } : {}),
    ...(id && uuid.test(id) ? { deploymentId: id } : {}),
    entries: Number.parseInt(entries ?? '0', 10) || 0,
  };
}

function parseUser(text: string | undefined): ServiceUser | undefined {
  const m = /^(\d+):(.*)$/.exec(text ?? '');
  return m ? { uid: Number(m[1]), shell: m[2] ?? '' } : undefined;
}

export function parseNodeObservation(blob: string, nonce: string): NodeObservation {
  const s = parseSections(blob, nonce);
  const drives = (sectionText(s, 'drives') ?? '').split('\n').flatMap((l) => parseDrive(l) ?? []);
  const binary = sectionText(s, 'binary');
  const unit = sectionText(s, 'unit');
  const [modeOwner, envHash, header] = (sectionText(s, 'env') ?? '').split('\n');
  const [mode, owner] = (modeOwner ?? '').split(' ');
  const pool = envHeader.exec(header ?? '')?.[1];
  const [active, enabled] = (sectionText(s, 'service') ?? '').split(' ');
  const serviceUser = parseUser(sectionText(s, 'user'));
  const stampMode = sectionText(s, 'stamp-mode');
  return {
    ...(binary && hex64.test(binary) ? { binarySha256: binary } : {}),
    ...(serviceUser ? { serviceUser } : {}),
    drives,
    ...(mode && owner && envHash && hex64.test(envHash) ? { env: { mode, owner, sha256: envHash, ...(pool ? { pool } : {}) } } : {}),
    ...(unit && hex64.test(unit) ? { unitSha256: unit } : {}),
    appliedCurrent: sectionText(s, 'applied') === 'current',
    ...(stampMode && /^[0-7]{3,4}$/.test(stampMode) ? { stampMode } : {}),
    active: active === 'active',
    enabled: enabled === 'enabled',
    live: status(sectionText(s, 'live')),
    cluster: status(sectionText(s, 'cluster')),
    homes: homeDirsOf(s),
    booting: isBooting(sectionText(s, bootStateProbe[0])),
  };
}
