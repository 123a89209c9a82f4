// Renders the manifests/ kustomize base with the real `kubectl kustomize`, as
// `kubectl apply -k manifests/` would (the CRDs come in through crds/'s own kustomization).
import { readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { kubectlPath, repoPath, run } from './tools.ts';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface Rendered {
  objects: KubeObject[];
  text: string;
}

export function crdFiles(): string[] {
  return readdirSync(repoPath('crds'))
    .filter((f) => /^bramble\.dev_.*\.yaml$/.test(f))
    .sort();
}

export function kustomize(dir: string): string {
  const res = run(kubectlPath(), ['kustomize', dir]);
  if (res.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${res.stderr}`);
  return res.stdout;
}

export function parseObjects(text: string): KubeObject[] {
  return parseAllDocuments(text)
    .map((doc) => {
      if (doc.errors.length > 0) throw doc.errors[0];
      return doc.toJS() as KubeObject | null;
    })
    .filter((o): o is KubeObject => o !== null);
}

let cached: Rendered | undefined;

export function renderBase(): Rendered {
  if (!cached) {
    const text = kustomize(repoPath('manifests'));
    cached = { objects: parseObjects(text), text };
  }
  return cached;
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`rendered base has no ${kind} ${name}`);
  return found;
}

/** Renders a kustomization directory given relative to the repository (manifests/ via renderBase). */
export function renderRepoDir(relative: string): KubeObject[] {
  const normalized = relative.replace(/^\.\//, '').replace(/\/$/, '');
  if (normalized === 'manifests') return renderBase().objects;
  return parseObjects(kustomize(repoPath(normalized)));
}
