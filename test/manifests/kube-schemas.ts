// Validates an object against the published Kubernetes OpenAPI schemas, as compiled into the
// `kubernetes-models` packages (maintained; generated from upstream OpenAPI and the CRDs of the
// Prometheus Operator, Flux and Argo CD). Their validators check types, required fields,
// enums, formats and patterns; like the OpenAPI they come from, they do not reject unknown
// fields.
import type { KubeObject } from './render.ts';

interface ModelClass {
  new (data: unknown): { validate(): void };
}

const packageForGroup: Record<string, string> = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
  'source.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'kustomize.toolkit.fluxcd.io': '@kubernetes-models/flux-cd',
  'argoproj.io': '@kubernetes-models/argo-cd',
};

/** Module specifier of the model for an apiVersion/kind, e.g. kubernetes-models/apps/v1/Deployment. */
export function modelModule(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const pkg = packageForGroup[group] ?? 'kubernetes-models';
  return `${pkg}/${apiVersion}/${kind}`;
}

/** Throws with the validator's message when the object does not fit its schema. */
export async function validateObject(obj: KubeObject): Promise<void> {
  const specifier = modelModule(obj.apiVersion, obj.kind);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`no schema for ${obj.apiVersion} ${obj.kind} (${specifier}): ${String(err)}`, { cause: err });
  }
  const Model = mod[obj.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') throw new Error(`${specifier} exports no ${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`${obj.kind} ${obj.metadata.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}
