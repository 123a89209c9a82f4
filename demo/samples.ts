// The samples in manifests/samples/, pointed at a simulated fleet instead of the 10.0.0.x Pis
// they describe: PiNodes limited to the fleet's nodes, each address and host key the fleet's,
// the SSH key Secret holding the fleet's client key, every other 10.0.0.x value moved into the
// fleet's subnet, Gluster bricks and MinIO drives allowed on the root filesystem (the fleet has no
// USB disks), MinIO downloaded from where the caller serves it. Pure; `assertNoSampleAddress` is
// the last check before anything is applied.
import { parseAllDocuments, stringify } from 'yaml';

export interface FleetPi {
  name: string;
  address: string;
  hostKey: string;
}

export interface DemoSampleInput {
  /** file name → YAML text, from manifests/samples/. */
  files: Record<string, string>;
  pis: readonly FleetPi[];
  clientPrivateKey: string;
  /** Kinds the demo shows (those with a reconciler in this build); others are left out. */
  kinds: ReadonlySet<string>;
  /** Where the fleet downloads MinIO from, and its digest; without it a MinioPool is left out. */
  minio?: { url: string; sha256: string };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const sampleNet = /\b10\.0\.0\.(\d{1,3}|\*)/g;

function mapStrings(value: Json, fn: (s: string) => string): Json {
  if (typeof value === 'string') return fn(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, fn));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, fn)]));
  return value;
}

/** Every 10.0.0.x: a sample Pi's address becomes its fleet twin's, anything else the fleet's subnet. */
export function rewriteAddresses(text: string, byAddress: ReadonlyMap<string, string>, fleetPrefix: string): string {
  return text.replace(sampleNet, (whole, last: string) => byAddress.get(whole) ?? `${fleetPrefix}${last}`);
}

type Doc = Record<string, Json>;

/** The samples' documents pointed at the fleet, each with the file it came from; what was left out, and why. */
function fleetDocuments(input: DemoSampleInput): { kept: { file: string; doc: Doc }[]; left: string[] } {
  const docs: { file: string; doc: Doc }[] = [];
  for (const [file, text] of Object.entries(input.files)) {
    if (file === 'kustomization.yaml') continue;
    for (const d of parseAllDocuments(text)) {
      const v = d.toJS() as Doc | null;
      if (v) docs.push({ file, doc: v });
    }
  }
  const pis = new Map(input.pis.map((p) => [p.name, p]));
  const byAddress = new Map<string, string>();
  const left: string[] = [];
  const out: { file: string; doc: Doc }[] = [];
  const withPool = input.kinds.has('MinioPool') && input.minio !== undefined;
  for (const { file, doc } of docs) {
    const keep = (d: Doc) => out.push({ file, doc: d });
    const kind = String(doc.kind);
    const name = String((doc.metadata as Record<string, Json>).name);
    if (kind === 'Secret' && name === 'bramble-ssh-key') {
      keep({ ...doc, stringData: { 'ssh-privatekey': input.clientPrivateKey } });
    } else if (kind === 'PiNode') {
      const pi = pis.get(name);
      if (!pi) {
        left.push(`PiNode ${name} (the fleet has ${input.pis.length} nodes)`);
        continue;
      }
      const spec = doc.spec as Record<string, Json>;
      byAddress.set(String(spec.address), pi.address);
      keep({
        ...doc,
        spec: {
          ...spec,
          address: pi.address,
          ssh: { ...(spec.ssh as Record<string, Json>), hostKeyPolicy: 'Pinned', hostKey: pi.hostKey },
        },
      });
    } else if (kind === 'Secret' && !(withPool && name === 'minio-root')) {
      left.push(`Secret ${name} (not needed by the kinds the demo shows)`);
    } else if (kind === 'Secret') {
      keep(doc);
    } else if (kind === 'MinioPool' && withPool) {
      // The same: a drive on the root filesystem, and MinIO from where the fleet can reach it.
      keep({ ...doc, spec: { ...(doc.spec as Record<string, Json>), allowRootFilesystem: true, source: { ...input.minio! } } });
    } else if (kind === 'MinioPool' && input.kinds.has(kind)) {
      left.push(`MinioPool ${name} (no MinIO download for the fleet)`);
    } else if (kind === 'GlusterVolume' && input.kinds.has(kind)) {
      // The simulated Pis have no USB disk: their bricks can only sit on the root filesystem.
      const spec = doc.spec as Record<string, Json>;
      keep({ ...doc, spec: { ...spec, bricks: { ...(spec.bricks as Record<string, Json>), allowRootFilesystem: true } } });
    } else if (input.kinds.has(kind)) {
      keep(doc);
    } else left.push(`${kind} ${name} (not part of the demo)`);
  }
  const prefix = `${input.pis[0]?.address.split('.').slice(0, 3).join('.') ?? '127.0.0'}.`;
  return { kept: out.map(({ file, doc }) => ({ file, doc: mapStrings(doc, (s) => rewriteAddresses(s, byAddress, prefix)) as Doc })), left };
}

export function demoManifests(input: DemoSampleInput): { yaml: string; left: string[] } {
  const { kept, left } = fleetDocuments(input);
  const yaml = kept.map(({ doc }) => stringify(doc)).join('---\n');
  assertNoSampleAddress(yaml);
  return { yaml, left };
}

/**
 * The same, file by file under the samples' names, with their kustomization.yaml listing the files
 * that still hold something: a directory for `bramble plan -f DIR/` and `kubectl apply -k DIR`.
 */
export function demoManifestFiles(input: DemoSampleInput): { files: Record<string, string>; left: string[] } {
  const { kept, left } = fleetDocuments(input);
  const files: Record<string, string> = {};
  for (const { file, doc } of kept) files[file] = `${files[file] ? `${files[file]}---\n` : ''}${stringify(doc)}`;
  const kustomization = input.files['kustomization.yaml'];
  if (kustomization !== undefined) {
    const k = parseAllDocuments(kustomization)[0]?.toJS() as { resources?: string[] } & Doc;
    files['kustomization.yaml'] = stringify({ ...k, resources: (k.resources ?? []).filter((r) => r in files) });
  }
  assertNoSampleAddress(Object.values(files).join('\n'));
  return { files, left };
}

/** Throws when any 10.0.0.x survived: the demo must never send anything to the samples' Pis. */
export function assertNoSampleAddress(text: string): void {
  const found = text.match(sampleNet);
  if (found) throw new Error(`refusing to apply: a sample address is still in the manifests (${[...new Set(found)].join(', ')})`);
}
