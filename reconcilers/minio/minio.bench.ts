// MinioPool reconciler figures for `npm run bench` (the lead registers it in bench/run.ts), or
// alone: `npx tsx reconcilers/minio/minio.bench.ts`. Reports, never fails on speed.
//  - SSH execs per scenario (fresh pool, no-change resync, password rotation, bad digest),
//    counted through the recording executor with fake Pis;
//  - the stand-in executable's build time and size (test/minio-standin/build.ts), cold cache.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClusterView, ReconcileContext, SecretView } from '../contract.ts';
import type { Resource } from '../../crds/resource.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';
import { createMinioPoolReconciler } from './reconciler.ts';
import { FakeMinioFleet, nonce } from './fake-minio-node.test-support.ts';
import type { MinioPool, PiNode } from './types.ts';
import { buildStandin } from '../../test/minio-standin/build.ts';

const sha = 'c'.repeat(64);

async function execs(count: number): Promise<Record<string, number>> {
  const fleet = new FakeMinioFleet();
  const secrets = new Map<string, SecretView>([
    ['ssh', { data: { 'ssh-privatekey': Buffer.from(testPrivateKey) } }],
    ['root', { data: { rootUser: Buffer.from('admin'), rootPassword: Buffer.from('password-one') } }],
  ]);
  const nodes = Array.from({ length: count }, (_, i) => {
    const address = `10.0.${Math.floor(i / 200)}.${(i % 200) + 10}`;
    fleet.add(address);
    return {
      metadata: { name: `pi${i}`, namespace: 'lab' },
      spec: { address, ssh: { user: 'pi', privateKeySecretRef: { name: 'ssh' }, hostKey: 'ssh-ed25519 AAAA', hostKeyPolicy: 'Pinned' } },
    } as unknown as PiNode;
  });
  fleet.servedSha256 = sha;
  const view: ClusterView = {
    getSecret: (_ns, name) => secrets.get(name),
    list: <T extends Resource<unknown, unknown>>(kind: string) => (kind === 'PiNode' ? nodes : []) as unknown as T[],
    get: () => undefined,
  };
  const ctx: ReconcileContext = {
    executor: fleet.executor,
    view,
    clock: { now: () => new Date() },
    log: { debug() {}, info() {}, warn() {}, error() {} },
  };
  const pool = {
    metadata: { name: 'objects', namespace: 'lab', generation: 1, uid: '9d0e4f3a-0000-4000-8000-00000000000a' },
    spec: {
      nodeSelector: {},
      drivesPerNode: 2,
      drivePaths: ['/srv/minio/disk1', '/srv/minio/disk2'],
      credentialsSecretRef: { name: 'root' },
      source: { url: 'http://mirror/minio', sha256: sha },
    },
  } as unknown as MinioPool;
  const reconciler = createMinioPoolReconciler({ nonce: () => nonce });
  const round = async () => {
    fleet.forgetCalls();
    pool.status = (await reconciler.reconcile(pool, ctx)).status;
    return fleet.executor.calls.length;
  };
  const out: Record<string, number> = {};
  out['fresh pool'] = await round();
  out['no-change resync'] = await round();
  secrets.set('root', { data: { rootUser: Buffer.from('admin'), rootPassword: Buffer.from('password-two') } });
  out['root password rotated'] = await round();
  pool.spec.source = { url: 'http://mirror/minio-next', sha256: 'd'.repeat(64) };
  out['wrong sha256'] = await round();
  return out;
}

for (const n of [4, 16]) {
  for (const [scenario, count] of Object.entries(await execs(n))) console.log(`minio ${n} nodes, ${scenario}: ${count} SSH execs`);
}
const cache = mkdtempSync(join(tmpdir(), 'bramble-standin-bench-'));
try {
  const started = performance.now();
  const built = await buildStandin(cache);
  console.log(
    `minio stand-in build (bundle + SEA), cold: ${((performance.now() - started) / 1000).toFixed(1)} s, ${(statSync(built.path).size / 2 ** 20).toFixed(0)} MiB`,
  );
} finally {
  rmSync(cache, { recursive: true, force: true });
}
