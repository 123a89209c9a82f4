// The argocd-cm patch that installs bramble's health check for each of its kinds, in Argo CD's
// `resource.customizations.health.<group>_<kind>` form. Pure: the Lua comes in as text.
import { stringify } from 'yaml';

export const brambleKinds = ['PiNode', 'SlurmPartition', 'GlusterVolume', 'MinioPool'] as const;

export function healthCheckKey(kind: string): string {
  return `resource.customizations.health.bramble.dev_${kind}`;
}

export function renderHealthChecks(lua: string): string {
  const data: Record<string, string> = {};
  for (const kind of brambleKinds) data[healthCheckKey(kind)] = lua;
  const patch = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'argocd-cm', namespace: 'argocd', labels: { 'app.kubernetes.io/part-of': 'argocd' } },
    data,
  };
  const header = [
    '# Generated from bramble-health.lua by generate.ts: edit the Lua, then',
    '#   npx tsx manifests/argocd/generate.ts',
    "# Merge into Argo CD's settings, e.g.",
    '#   kubectl -n argocd patch configmap argocd-cm --type merge --patch-file manifests/argocd/health-checks.yaml',
    '# or list it under `patches:` in the kustomization that installs Argo CD.',
  ].join('\n');
  return `${header}\n${stringify(patch, { lineWidth: 0, blockQuote: 'literal' })}`;
}
