// The GitOps examples validate against the Flux and Argo CD schemas, and point at paths in
// this repository that kustomize can actually build.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateObject } from './kube-schemas.ts';
import { parseObjects, renderRepoDir, type KubeObject } from './render.ts';
import { repoPath } from './tools.ts';

function load(dir: string): KubeObject[] {
  const base = repoPath('examples', 'gitops', dir);
  return readdirSync(base)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((f) => parseObjects(readFileSync(join(base, f), 'utf8')));
}

interface FluxKustomization {
  metadata: { name: string; namespace: string };
  spec: { path: string; wait?: boolean; prune?: boolean; dependsOn?: { name: string }[]; sourceRef: { kind: string; name: string } };
}

void test('Flux: GitRepository and Kustomizations validate and wait for kstatus readiness', async () => {
  const objects = load('flux');
  for (const o of objects) await validateObject(o);
  const repos = objects.filter((o) => o.kind === 'GitRepository').map((o) => o.metadata.name);
  const ks = objects.filter((o) => o.kind === 'Kustomization') as unknown as FluxKustomization[];
  assert.deepEqual(ks.map((k) => k.spec.path).sort(), ['./manifests', './manifests/samples']);
  for (const k of ks) {
    assert.equal(k.spec.wait, true, `${k.metadata.name} waits`);
    assert.equal(k.spec.prune, true);
    assert.ok(repos.includes(k.spec.sourceRef.name), `${k.metadata.name} source exists`);
    assert.ok(renderRepoDir(k.spec.path).length > 0, `${k.spec.path} renders`);
  }
  const samples = ks.find((k) => k.spec.path === './manifests/samples')!;
  const operator = ks.find((k) => k.spec.path === './manifests')!;
  assert.deepEqual(samples.spec.dependsOn, [{ name: operator.metadata.name }], 'samples wait for the CRDs and operator');
  const target = (samples.spec as { targetNamespace?: string }).targetNamespace;
  assert.ok(
    target && objects.some((o) => o.kind === 'Namespace' && o.metadata.name === target),
    'the target namespace is created with the example',
  );
});

void test('Argo CD: Applications validate and sync the operator and the samples', async () => {
  const objects = load('argocd');
  for (const o of objects) await validateObject(o);
  const apps = objects as unknown as {
    kind: string;
    spec: { source: { path: string }; syncPolicy: { automated: { prune: boolean; selfHeal: boolean } } };
  }[];
  assert.ok(apps.every((a) => a.kind === 'Application'));
  assert.deepEqual(apps.map((a) => a.spec.source.path).sort(), ['manifests', 'manifests/samples']);
  for (const a of apps) {
    assert.deepEqual(a.spec.syncPolicy.automated, { prune: true, selfHeal: true });
    assert.ok(renderRepoDir(a.spec.source.path).length > 0, `${a.spec.source.path} renders`);
  }
});

void test('the Flux schema catches a broken Kustomization (the validation above is real)', async () => {
  const k = structuredClone(load('flux').find((o) => o.kind === 'Kustomization')!);
  delete (k.spec as { sourceRef?: unknown }).sourceRef;
  await assert.rejects(validateObject(k), /sourceRef/);
});
