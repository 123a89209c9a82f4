// What `bramble plan` reads from the cluster when one is configured: the PiNodes and
// SlurmPartitions already there (a file's partition may select PiNodes the file does not hold)
// and the Secrets the resources name. Read-only: get and list, nothing else.
import * as k8s from '@kubernetes/client-node';
import type { SecretView } from '../../reconcilers/contract.ts';
import type { AnyResource } from './manifest.ts';

const group = 'bramble.dev';
const version = 'v1alpha1';
const plurals: Record<string, string> = { PiNode: 'pinodes', SlurmPartition: 'slurmpartitions' };

export interface ClusterSource {
  listObjects(namespace: string): Promise<AnyResource[]>;
  getSecret(namespace: string, name: string): Promise<SecretView | undefined>;
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: number }).code === 404;
}

export function clusterSource(kc: k8s.KubeConfig): ClusterSource {
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  return {
    async listObjects(namespace) {
      const out: AnyResource[] = [];
      for (const [kind, plural] of Object.entries(plurals)) {
        try {
          const list = (await custom.listNamespacedCustomObject({ group, version, namespace, plural })) as { items?: AnyResource[] };
          out.push(...(list.items ?? []).map((o) => ({ ...o, kind })));
        } catch (error) {
          // The CRDs are not installed yet: the cluster has none of these objects.
          if (!isNotFound(error)) throw error;
        }
      }
      return out;
    },
    async getSecret(namespace, name) {
      try {
        const secret = await core.readNamespacedSecret({ name, namespace });
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64');
        return secret.type ? { type: secret.type, data } : { data };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}
