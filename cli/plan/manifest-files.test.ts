import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { directoryFiles, readManifestPath, type ManifestFiles } from './manifest-files.ts';

const repo = join(import.meta.dirname, '../..');
const disk: ManifestFiles = {
  readFile: (path) => readFileSync(path, 'utf8'),
  listDirectory: (path) => (statSync(path).isDirectory() ? readdirSync(path) : undefined),
};

void test('a directory is read like kubectl reads it: manifest files in name order, kustomization files left out', () => {
  assert.deepEqual(directoryFiles(['b.yaml', 'a.json', 'kustomization.yaml', 'notes.md', 'c.yml', 'Kustomization']), {
    read: ['a.json', 'b.yaml', 'c.yml'],
    left: ['Kustomization', 'kustomization.yaml'],
  });
});

void test('the samples directory holds every kind, their Secrets, and names the kustomization it left out', () => {
  const m = readManifestPath(join(repo, 'manifests/samples/'), disk, 'default');
  const kinds = m.objects.map((o) => `${o.kind}/${o.metadata.name}`).sort();
  assert.deepEqual(kinds, [
    'GlusterVolume/shared',
    'MinioPool/objects',
    'PiNode/pi0',
    'PiNode/pi1',
    'PiNode/pi2',
    'PiNode/pi3',
    'PiNode/pi4',
    'SlurmPartition/batch',
  ]);
  assert.deepEqual([...m.secrets.keys()].sort(), ['default/bramble-ssh-key', 'default/minio-root']);
  assert.deepEqual(m.ignored, [`Kustomization ${join(repo, 'manifests/samples')}/kustomization.yaml`]);
});

void test('the same object in two files is refused, naming both; a directory without manifests is refused', () => {
  const node = stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'k' }, stringData: { a: 'b' } });
  const files: Record<string, string> = { 'd/one.yaml': node, 'd/two.yaml': node };
  const fake = (names: string[]): ManifestFiles => ({
    readFile: (p) => files[p] ?? assert.fail(`read ${p}`),
    listDirectory: (p) => (p === 'd' || p === 'd/' ? names : undefined),
  });
  assert.throws(
    () => readManifestPath('d/', fake(['one.yaml', 'two.yaml']), 'ns'),
    /Secret ns\/k is in both d\/one\.yaml and d\/two\.yaml/,
  );
  assert.throws(() => readManifestPath('d', fake(['README.md']), 'ns'), /d: no \.yaml, \.yml or \.json file in this directory/);
  assert.equal(readManifestPath('d/one.yaml', fake([]), 'ns').secrets.size, 1, 'a file is a file');
});
