// The LeaseClient over the API: one coordination.k8s.io/v1 Lease, times as MicroTime.
import { isNotFound, type ApiClient } from './api-client.ts';
import type { LeaseClient, LeaseRecord, StoredLease } from './leader-election.ts';
import { parseMicroTime, toMicroTime } from './micro-time.ts';
import { collectionPath, objectPath, resourceTypes } from './resource-type.ts';

interface LeaseObject {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
  };
}

export function createLeaseClient(api: ApiClient, namespace: string, name: string, requestTimeoutMs: number): LeaseClient {
  const toSpec = (r: LeaseRecord): LeaseObject['spec'] => ({
    holderIdentity: r.holderIdentity,
    leaseDurationSeconds: r.leaseDurationSeconds,
    acquireTime: toMicroTime(r.acquireTime),
    renewTime: toMicroTime(r.renewTime),
    leaseTransitions: r.leaseTransitions,
  });
  const path = objectPath(resourceTypes.Lease, namespace, name);
  return {
    async get(): Promise<StoredLease | undefined> {
      try {
        const lease = await api.request<LeaseObject>('GET', path, { timeoutMs: requestTimeoutMs });
        const s = lease.spec ?? {};
        return {
          resourceVersion: lease.metadata.resourceVersion ?? '',
          record: {
            holderIdentity: s.holderIdentity ?? '',
            leaseDurationSeconds: s.leaseDurationSeconds ?? 0,
            acquireTime: parseMicroTime(s.acquireTime) ?? 0,
            renewTime: parseMicroTime(s.renewTime) ?? 0,
            leaseTransitions: s.leaseTransitions ?? 0,
          },
        };
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async create(record): Promise<void> {
      await api.request('POST', collectionPath(resourceTypes.Lease, namespace), {
        body: { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: toSpec(record) },
        timeoutMs: requestTimeoutMs,
      });
    },
    async update(record, resourceVersion): Promise<void> {
      // PUT with the read resourceVersion: a concurrent writer makes this fail with 409.
      await api.request('PUT', path, {
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace, resourceVersion },
          spec: toSpec(record),
        },
        timeoutMs: requestTimeoutMs,
      });
    },
  };
}
