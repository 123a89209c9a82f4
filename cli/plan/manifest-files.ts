// What `bramble plan -f PATH` reads, the way `kubectl apply -f PATH` does: a file, `-` for stdin,
// or a directory, whose .yaml, .yml and .json files are read in name order (not its
// subdirectories, as kubectl without -R). A directory's kustomization file is not a resource:
// it is left out and named, since its patches and generators are kustomize's to apply.
import { ManifestError, readManifest, type PlanManifest } from './manifest.ts';

export interface ManifestFiles {
  readFile(path: string): string;
  /** The names in a directory, or undefined when the path is not one. */
  listDirectory?(path: string): string[] | undefined;
}

const manifestFile = /\.(ya?ml|json)$/;
const kustomization = /^(kustomization\.ya?ml|Kustomization)$/;

/** Pure: the files of a directory that hold resources, in the order they are read, and the kustomization files left out. */
export function directoryFiles(names: readonly string[]): { read: string[]; left: string[] } {
  const sorted = [...names].sort();
  return {
    read: sorted.filter((n) => manifestFile.test(n) && !kustomization.test(n)),
    left: sorted.filter((n) => kustomization.test(n)),
  };
}

/** Pure: one manifest from several files; the same object in two files is refused, as two applies would silently keep the last. */
export function mergeManifests(parts: readonly { source: string; manifest: PlanManifest }[]): PlanManifest {
  const out: PlanManifest = { objects: [], secrets: new Map(), ignored: [] };
  const seen = new Map<string, string>();
  const claim = (key: string, source: string) => {
    const first = seen.get(key);
    if (first !== undefined) throw new ManifestError(`${key} is in both ${first} and ${source}`);
    seen.set(key, source);
  };
  for (const { source, manifest } of parts) {
    for (const o of manifest.objects) {
      claim(`${o.kind} ${o.metadata.namespace}/${o.metadata.name}`, source);
      out.objects.push(o);
    }
    for (const [key, secret] of manifest.secrets) {
      claim(`Secret ${key}`, source);
      out.secrets.set(key, secret);
    }
    out.ignored.push(...manifest.ignored);
  }
  return out;
}

export function readManifestPath(path: string, files: ManifestFiles, defaultNamespace: string): PlanManifest {
  const names = path === '-' ? undefined : files.listDirectory?.(path);
  if (names === undefined) return readManifest(files.readFile(path), path, defaultNamespace);
  const { read, left } = directoryFiles(names);
  if (read.length === 0) throw new ManifestError(`${path}: no .yaml, .yml or .json file in this directory`);
  const joined = (name: string) => `${path.replace(/\/+$/, '')}/${name}`;
  const merged = mergeManifests(
    read.map((name) => ({ source: joined(name), manifest: readManifest(files.readFile(joined(name)), joined(name), defaultNamespace) })),
  );
  merged.ignored.push(...left.map((name) => `Kustomization ${joined(name)}`));
  return merged;
}
