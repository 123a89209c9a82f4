// The real samples from manifests/samples/, rewritten for a fleet: nothing may still point at
// the 10.0.0.x Pis they describe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { assertNoSampleAddress, demoManifestFiles, demoManifests, rewriteAddresses } from './samples.ts';

const dir = new URL('../manifests/samples/', import.meta.url);
const files = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => [f, readFileSync(new URL(f, dir), 'utf8')]),
);
const pis = [0, 1, 2, 3].map((i) => ({ name: `pi${i}`, address: `10.213.60.${10 + i}`, hostKey: `ssh-ed25519 AAAAfleetkey${i}` }));

interface Doc {
  kind: string;
  metadata: { name: string };
  spec: {
    address: string;
    ssh: { hostKey: string };
    options: { name: string; value: string }[];
    bricks: { allowRootFilesystem?: boolean };
  };
  stringData: Record<string, string>;
}

function docs(yaml: string): Doc[] {
  return parseAllDocuments(yaml).map((d) => d.toJS() as Doc);
}

void test('the samples point at the fleet: its addresses, host keys and client key, and only its nodes', () => {
  assert.match(Object.values(files).join('\n'), /10\.0\.0\.10/, 'the samples do use 10.0.0.x');
  const { yaml, left } = demoManifests({
    files,
    pis,
    clientPrivateKey: 'FLEET-KEY',
    kinds: new Set(['PiNode', 'SlurmPartition', 'GlusterVolume']),
  });
  const objects = docs(yaml);
  const nodes = objects.filter((o) => o.kind === 'PiNode');
  assert.deepEqual(
    nodes.map((n) => [n.metadata.name, n.spec.address, n.spec.ssh.hostKey]),
    pis.map((p) => [p.name, p.address, p.hostKey]),
  );
  assert.equal(
    objects.find((o) => o.kind === 'Secret' && o.metadata.name === 'bramble-ssh-key')?.stringData['ssh-privatekey'],
    'FLEET-KEY',
  );
  const gluster = objects.find((o) => o.kind === 'GlusterVolume');
  assert.ok(gluster?.spec.options.some((o) => o.name === 'auth.allow' && o.value === '10.213.60.*'));
  assert.equal(gluster?.spec.bricks.allowRootFilesystem, true, 'the fleet has no USB disks');
  assert.ok(objects.some((o) => o.kind === 'SlurmPartition'));
  assert.deepEqual(left.sort(), [
    'MinioPool objects (not part of the demo)',
    'PiNode pi4 (the fleet has 4 nodes)',
    'Secret minio-root (not needed by the kinds the demo shows)',
  ]);
  assert.doesNotMatch(yaml, /10\.0\.0\./);
});

void test('kinds the demo does not show are left out, and a surviving sample address stops everything', () => {
  const { yaml } = demoManifests({ files, pis, clientPrivateKey: 'K', kinds: new Set(['PiNode']) });
  assert.deepEqual([...new Set(docs(yaml).map((o) => o.kind))].sort(), ['PiNode', 'Secret']);
  assert.throws(() => assertNoSampleAddress('address: 10.0.0.12'), /10\.0\.0\.12/);
  assert.equal(
    rewriteAddresses('10.0.0.11 and 10.0.0.* and 110.0.0.1', new Map([['10.0.0.11', '10.213.60.11']]), '10.213.60.'),
    '10.213.60.11 and 10.213.60.* and 110.0.0.1',
  );
});

void test('with a MinIO download, the pool and its Secret are kept, file by file, and the kustomization lists the files', () => {
  const five = [...pis, { name: 'pi4', address: '10.213.60.14', hostKey: 'ssh-ed25519 AAAAfleetkey4' }];
  const minio = { url: 'http://10.213.60.1:8080/minio', sha256: 'a'.repeat(64) };
  const { files: out, left } = demoManifestFiles({
    files,
    pis: five,
    clientPrivateKey: 'K',
    kinds: new Set(['PiNode', 'SlurmPartition', 'GlusterVolume', 'MinioPool']),
    minio,
  });
  assert.deepEqual(left, []);
  assert.deepEqual(Object.keys(out).sort(), Object.keys(files).sort(), 'every sample file, under its own name');
  const pool = docs(out['miniopool.yaml']!)[0] as unknown as { spec: { source: unknown; allowRootFilesystem: boolean } };
  assert.deepEqual(pool.spec.source, minio);
  assert.equal(pool.spec.allowRootFilesystem, true);
  assert.equal(docs(out['minio-credentials-secret.yaml']!)[0]?.metadata.name, 'minio-root');
  assert.equal(docs(out['pinodes.yaml']!).length, 5);
  const kustomization = docs(out['kustomization.yaml']!)[0] as unknown as { resources: string[] };
  assert.deepEqual(
    kustomization.resources.sort(),
    Object.keys(files)
      .filter((f) => f !== 'kustomization.yaml')
      .sort(),
  );
  assert.doesNotMatch(Object.values(out).join('\n'), /10\.0\.0\./);

  const noDownload = demoManifestFiles({ files, pis: five, clientPrivateKey: 'K', kinds: new Set(['PiNode', 'MinioPool']) });
  assert.ok(noDownload.left.includes('MinioPool objects (no MinIO download for the fleet)'), noDownload.left.join('\n'));
  assert.equal(noDownload.files['miniopool.yaml'], undefined);
  assert.ok(!(docs(noDownload.files['kustomization.yaml']!)[0] as unknown as { resources: string[] }).resources.includes('miniopool.yaml'));
});
