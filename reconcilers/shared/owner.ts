// A resource's identity as bramble writes it into its markers on the Pis: the UID (what is
// compared) and namespace/name (what people read in messages). Pure.
import type { Resource } from '../contract.ts';

export interface Owner {
  uid: string;
  name: string;
}

/** The owner a resource marks what it creates with; undefined when it has no UID yet. */
export function ownerOf(obj: Resource<unknown, unknown>): Owner | undefined {
  const uid = obj.metadata.uid;
  return uid ? { uid, name: `${obj.metadata.namespace}/${obj.metadata.name}` } : undefined;
}
