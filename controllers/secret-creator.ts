// The reconcilers' one direct write (see SecretCreator in reconcilers/contract.ts): create a
// Secret that does not exist yet. It carries no ownerReference, so a generated key outlives the
// resources that asked for it, and a 409 means someone else was first.
import type { SecretCreator } from '../reconcilers/contract.ts';
import { ApiError, type ApiClient } from './api-client.ts';
import { collectionPath, resourceTypes } from './resource-type.ts';

export function createSecretCreator(api: ApiClient): SecretCreator {
  return {
    async createSecret(namespace, name, data) {
      const body = {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'bramble' } },
        data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.toString('base64')])),
      };
      try {
        await api.request('POST', collectionPath(resourceTypes.Secret, namespace), { body });
        return 'created';
      } catch (err) {
        if (err instanceof ApiError && err.statusCode === 409) return 'exists';
        throw err;
      }
    },
  };
}
