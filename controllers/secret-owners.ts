// Which objects to look at again when a Secret changes: those whose spec names it in a
// `…SecretRef: { name }` field (an SSH key, a munge key, MinIO credentials). So a PiNode waiting
// for its Secret converges as soon as the Secret is created, and a rotated key rolls out.
import type { KubeObject } from './kube-object.ts';
import { objectKey } from './resource-type.ts';

/** Names in `…SecretRef: { name }` fields anywhere in a spec. */
export function referencedSecrets(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) referencedSecrets(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      if (k.endsWith('SecretRef') && typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string') {
        out.add((v as { name: string }).name);
      } else referencedSecrets(v, out);
    }
  }
  return out;
}

/** Keys of the owners in the Secret's namespace that reference it by name. */
export function ownersOfSecret(owners: readonly KubeObject[], secret: Pick<KubeObject, 'metadata'>): string[] {
  const { namespace, name } = secret.metadata;
  return owners
    .filter((o) => o.metadata.namespace === namespace && referencedSecrets(o.spec, new Set()).has(name))
    .map((o) => objectKey(o.metadata.namespace, o.metadata.name));
}
