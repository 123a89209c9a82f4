// Renders the manifests/ kustomize base with the real `kubectl kustomize`. The base includes
// the CRDs as `../crds`, which needs crds/kustomization.yaml (owned by crds/). Until that file
// exists, a staged copy of manifests/ and crds/ with the same one-line-per-file kustomization
// is rendered instead, and `stagedCrds` says so.
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  stagedCrds: boolean;
}

export function crdFiles(): string[] {
  return readdirSync(repoPath('crds')).filter((f) => /^bramble\.dev_.*\.yaml$/.test(f)).sort();
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
  if (cached) return cached;
  const realCrdKustomization = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].some((f) => existsSync(repoPath('crds', f)));
  if (realCrdKustomization) {
    const text = kustomize(repoPath('manifests'));
    cached = { objects: parseObjects(text), text, stagedCrds: false };
    return cached;
  }
  const stage = mkdtempSync(join(tmpdir(), 'bramble-kustomize-'));
  try {
    cpSync(repoPath('manifests'), join(stage, 'manifests'), { recursive: true });
    cpSync(repoPath('crds'), join(stage, 'crds'), { recursive: true, filter: (src) => !src.endsWith('.ts') });
    writeFileSync(join(stage, 'crds', 'kustomization.yaml'), `resources:\n${crdFiles().map((f) => `  - ${f}\n`).join('')}`);
    const text = kustomize(join(stage, 'manifests'));
    cached = { objects: parseObjects(text), text, stagedCrds: true };
    return cached;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
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
