// The minimal shape of any object the runtime caches.
import type { ObjectMeta } from '../crds/resource.ts';

/** A resource's metadata (crds/resource.ts), namespace optional: the runtime caches cluster-scoped objects too. */
export type KubeMeta = Omit<ObjectMeta, 'namespace'> & { namespace?: string };

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: KubeMeta;
  [key: string]: unknown;
}
