// Test support: a MinioPool of four fake Pis (pi0–pi3 at 10.0.0.10–13, namespace lab) behind the
// recording executor, its Secrets, and the reconciler with a fixed run marker.
import type { ClusterView, ReconcileContext, SecretView } from '../contract.ts';
import type { Resource } from '../../crds/resource.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';
import { createMinioPoolReconciler } from './reconciler.ts';
import { FakeMinioFleet, nonce } from './fake-minio-node.test-support.ts';
import type { MinioPool, PiNode } from './types.ts';

export const sha = 'c'.repeat(64);
export const drives = ['/srv/minio/disk1'];
export const poolUid = '9d0e4f3a-0000-4000-8000-00000000000a';
export const reconciler = createMinioPoolReconciler({ nonce: () => nonce });

export class View implements ClusterView {
  secrets = new Map<string, SecretView>();
  nodes: PiNode[] = [];
  getSecret(_ns: string, name: string) {
    return this.secrets.get(name);
  }
  list<T extends Resource<unknown, unknown>>(kind: string): T[] {
    return (kind === 'PiNode' ? this.nodes : []) as unknown as T[];
  }
  get<T extends Resource<unknown, unknown>>(): T | undefined {
    return undefined;
  }
}

export function setup(count = 4) {
  const fleet = new FakeMinioFleet();
  const view = new View();
  view.secrets.set('ssh', { data: { 'ssh-privatekey': Buffer.from(testPrivateKey) } });
  view.secrets.set('minio-root', { data: { rootUser: Buffer.from('admin'), rootPassword: Buffer.from('first-password') } });
  // Out of order on purpose: the pool orders by address.
  for (const i of [3, 1, 0, 2].filter((x) => x < count)) {
    const address = `10.0.0.${10 + i}`;
    fleet.add(address);
    view.nodes.push({
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'PiNode',
      metadata: { name: `pi${i}`, namespace: 'lab' },
      spec: { address, ssh: { user: 'pi', privateKeySecretRef: { name: 'ssh' }, hostKey: 'ssh-ed25519 AAAA', hostKeyPolicy: 'Pinned' } },
    } as unknown as PiNode);
  }
  fleet.servedSha256 = sha;
  const ctx: ReconcileContext = {
    executor: fleet.executor,
    view,
    clock: { now: () => new Date('2026-05-01T10:00:00Z') },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const pool = {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'MinioPool',
    metadata: { name: 'objects', namespace: 'lab', generation: 1, uid: poolUid },
    spec: {
      nodeSelector: {},
      drivesPerNode: 1,
      drivePaths: drives,
      credentialsSecretRef: { name: 'minio-root' },
      source: { url: 'http://mirror.lan/minio', sha256: sha },
    },
  } as unknown as MinioPool;
  return { fleet, view, ctx, pool };
}

export async function reconcile(s: ReturnType<typeof setup>) {
  const r = await reconciler.reconcile(s.pool, s.ctx);
  s.pool.status = r.status;
  return r;
}
