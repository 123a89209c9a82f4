// The writes a controller makes to the objects it owns: status through the /status subresource
// and finalizers on metadata, both as JSON merge patches (custom resources reject strategic
// merge with 415). Finalizer patches carry the resourceVersion, so a concurrent change makes
// them fail with 409 and the key is retried from a fresh cache instead of losing an update.
import type { ApiClient } from './api-client.ts';
import type { KubeObject } from './kube-object.ts';
import { createMergePatch } from './merge-patch.ts';
import { objectPath, type ResourceType } from './resource-type.ts';

export const mergePatchContentType = 'application/merge-patch+json';

export class ObjectWriter {
  constructor(
    private readonly api: ApiClient,
    private readonly type: ResourceType,
  ) {}

  /**
   * Writes status when it differs from the object's. Returns the object as stored afterwards
   * (the same object when nothing was written), so a following finalizer patch carries the
   * resourceVersion the status write produced instead of conflicting with it.
   */
  async patchStatus(obj: KubeObject, status: unknown): Promise<KubeObject> {
    const patch = createMergePatch(obj.status ?? {}, status);
    if (patch === undefined) return obj;
    return this.api.request<KubeObject>('PATCH', `${objectPath(this.type, obj.metadata.namespace, obj.metadata.name)}/status`, {
      body: { status: patch },
      contentType: mergePatchContentType,
      timeoutMs: 30_000,
    });
  }

  async addFinalizer(obj: KubeObject, finalizer: string): Promise<KubeObject> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (finalizers.includes(finalizer)) return obj;
    return this.patchFinalizers(obj, [...finalizers, finalizer]);
  }

  async removeFinalizer(obj: KubeObject, finalizer: string): Promise<KubeObject> {
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(finalizer)) return obj;
    return this.patchFinalizers(
      obj,
      finalizers.filter((f) => f !== finalizer),
    );
  }

  private patchFinalizers(obj: KubeObject, finalizers: string[]): Promise<KubeObject> {
    return this.api.request<KubeObject>('PATCH', objectPath(this.type, obj.metadata.namespace, obj.metadata.name), {
      body: { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } },
      contentType: mergePatchContentType,
      timeoutMs: 30_000,
    });
  }
}
