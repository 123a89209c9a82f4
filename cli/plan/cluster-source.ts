// What `bramble plan` reads from the cluster when one is configured: the bramble objects already
// there (a file's partition may select PiNodes the file does not hold; a file's volume or pool
// keeps its UID and its record in status) and the Secrets the resources name. Read-only: get and list, nothing else. Through the
// operator's own API client, so plan and run reach a cluster the same way.
import { ApiClient, isNotFound } from '../../controllers/api-client.ts';
import type { KubeConfig } from '../../controllers/kubeconfig.ts';
import { collectionPath, objectPath, resourceTypes } from '../../controllers/resource-type.ts';
import type { SecretView } from '../../reconcilers/contract.ts';
import type { AnyResource } from './manifest.ts';

const kinds = [resourceTypes.PiNode, resourceTypes.SlurmPartition, resourceTypes.GlusterVolume, resourceTypes.MinioPool];
const requestTimeoutMs = 30_000;

export interface ClusterSource {
  listObjects(namespace: string): Promise<AnyResource[]>;
  getSecret(namespace: string, name: string): Promise<SecretView | undefined>;
}

export function clusterSource(kc: KubeConfig): ClusterSource & { close(): void } {
  const api = new ApiClient(kc);
  return {
    async listObjects(namespace) {
      const out: AnyResource[] = [];
      for (const type of kinds) {
        try {
          const list = await api.request<{ items?: AnyResource[] }>('GET', collectionPath(type, namespace), {
            timeoutMs: requestTimeoutMs,
          });
          out.push(...(list.items ?? []).map((o) => ({ ...o, kind: type.kind })));
        } catch (error) {
          // The CRDs are not installed yet: the cluster has none of these objects.
          if (!isNotFound(error)) throw error;
        }
      }
      return out;
    },
    async getSecret(namespace, name) {
      try {
        const secret = await api.request<{ type?: string; data?: Record<string, string> }>(
          'GET',
          objectPath(resourceTypes.Secret, namespace, name),
          { timeoutMs: requestTimeoutMs },
        );
        const data: Record<string, Buffer> = {};
        for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64');
        return secret.type ? { type: secret.type, data } : { data };
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
    close: () => api.close(),
  };
}
