// System paths as data paths (issue 15, item 6 and the path rule): a brick path, a mount path or a
// MinIO drive path in or below a system tree is refused by `kubectl apply`, naming the field, and
// nothing on any Pi changes — also with reclaimPolicy Delete, where a refused spec used to reach
// `rm -rf` on delete.
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { runKubectl } from '../../controlplane/harness.ts';
import type { CaseContext, DestructiveCase } from './case.ts';

const selector = { matchLabels: { 'bramble.dev/cluster': 'seed' } };

function gluster(name: string, brickPath: string, mountPath: string): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi1', 'pi2', 'pi3'], path: brickPath, allowRootFilesystem: true },
      mount: { nodeSelector: selector, path: mountPath },
      reclaimPolicy: 'Delete',
    },
  });
}

function minio(name: string, drive: string): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'MinioPool',
    metadata: { name },
    spec: {
      nodeSelector: selector,
      drivePaths: [drive],
      allowRootFilesystem: true,
      credentialsSecretRef: { name: 'minio-root' },
      source: { url: 'http://10.213.60.1:1/minio', sha256: 'a'.repeat(64) },
      reclaimPolicy: 'Delete',
    },
  });
}

async function refused(ctx: CaseContext, yaml: string, field: string): Promise<void> {
  const r = await runKubectl(ctx.ff.kubeconfigPath, ['apply', '-n', ctx.namespace, '-f', '-'], yaml);
  assert.notEqual(r.code, 0, `kubectl apply accepted a system path:\n${yaml}`);
  assert.ok(r.stderr.includes(`${field}: `) && r.stderr.includes('is a system path'), r.stderr);
}

export const cases: DestructiveCase[] = [
  {
    name: 'system paths as brick, mount and drive paths are refused at kubectl apply and change nothing',
    async run(ctx) {
      for (const p of ['/usr', '/etc', '/var/lib', '/home/pi', '/boot/firmware', '/root']) {
        await refused(ctx, gluster('lib', p, '/mnt/ok'), 'spec.bricks.path');
        await refused(ctx, gluster('lib', '/srv/ok', p), 'spec.mount.path');
        await refused(ctx, minio('lib', p), 'spec.drivePaths[0]');
      }
      const left = await ctx.ff.kubectl(['get', 'glustervolume,miniopool', '-n', ctx.namespace, '-o', 'name']);
      assert.equal(left.trim(), '', 'nothing refused may exist');
      return { declared: {} };
    },
  },
];
