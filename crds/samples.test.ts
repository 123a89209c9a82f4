// Every sample in manifests/samples is admitted by its CRD exactly as written: no cause, nothing
// pruned, and the kustomization lists every file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments, parse } from 'yaml';
import { admit } from './admission-for-tests.ts';
import { apiVersion } from './common.ts';
import { sshPublicKey } from './patterns.ts';

const samplesDir = fileURLToPath(new URL('../manifests/samples/', import.meta.url));

interface Doc {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  type?: string;
  stringData?: Record<string, string>;
}

function loadSamples(): { file: string; doc: Doc }[] {
  const out: { file: string; doc: Doc }[] = [];
  for (const file of readdirSync(samplesDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()) {
    for (const document of parseAllDocuments(readFileSync(join(samplesDir, file), 'utf8'))) {
      assert.deepEqual(document.errors, [], `${file} is valid YAML`);
      const doc = document.toJS() as Doc | null;
      if (doc) out.push({ file, doc });
    }
  }
  return out;
}

const samples = loadSamples();
const bramble = samples.filter((s) => s.doc.apiVersion === apiVersion);
const ofKind = (kind: string) => bramble.filter((s) => s.doc.kind === kind).map((s) => s.doc);

void test('every bramble sample is admitted as written', () => {
  assert.ok(bramble.length >= 8);
  for (const { file, doc } of bramble) {
    const { causes, pruned } = admit(doc.kind ?? '', doc);
    assert.deepEqual(causes, [], `${file} ${doc.kind}/${doc.metadata?.name}`);
    assert.deepEqual(pruned, [], `${file} ${doc.kind}/${doc.metadata?.name} has no unknown fields`);
  }
});

void test('the seed bramble: five Pis, one partition over four compute nodes, replica 3 on all, MinIO on four', () => {
  const pis = ofKind('PiNode');
  assert.deepEqual(
    pis.map((p) => p.metadata?.name),
    ['pi0', 'pi1', 'pi2', 'pi3', 'pi4'],
  );
  for (const pi of pis) {
    const ssh = pi.spec?.ssh as { hostKey?: string; privateKeySecretRef?: { name: string } };
    assert.match(ssh.hostKey ?? '', new RegExp(sshPublicKey));
    assert.equal(ssh.privateKeySecretRef?.name, 'bramble-ssh-key');
  }
  const matches = (selector: { matchLabels?: Record<string, string> }) =>
    pis
      .filter((p) => Object.entries(selector.matchLabels ?? {}).every(([k, v]) => p.metadata?.labels?.[k] === v))
      .map((p) => p.metadata?.name);

  const [partition] = ofKind('SlurmPartition');
  assert.equal(partition?.spec?.controller, 'pi0');
  const compute = matches(partition?.spec?.nodeSelector as { matchLabels?: Record<string, string> });
  assert.deepEqual(compute, ['pi1', 'pi2', 'pi3', 'pi4']);

  const [volume] = ofKind('GlusterVolume');
  assert.equal(volume?.spec?.type, 'Replicate');
  assert.equal(volume?.spec?.replica, 3);
  const mount = volume?.spec?.mount as { nodeSelector: { matchLabels?: Record<string, string> } };
  assert.equal(matches(mount.nodeSelector).length, 5, 'mounted on all nodes');

  const [pool] = ofKind('MinioPool');
  assert.equal(matches(pool?.spec?.nodeSelector as { matchLabels?: Record<string, string> }).length, 4);
});

void test('the SSH Secret is kubernetes.io/ssh-auth with a placeholder key and instructions', () => {
  const secretFile = samples.find((s) => s.doc.kind === 'Secret' && s.doc.type === 'kubernetes.io/ssh-auth');
  assert.ok(secretFile, 'an ssh-auth Secret exists');
  assert.match(secretFile.doc.stringData?.['ssh-privatekey'] ?? '', /PLACEHOLDER/);
  const text = readFileSync(join(samplesDir, secretFile.file), 'utf8');
  assert.match(text, /ssh-keygen -t ed25519 -f bramble-key -N ""/);
  assert.match(text, /kubectl create secret generic bramble-ssh-key --type kubernetes\.io\/ssh-auth/);
  assert.match(text, /--from-file=ssh-privatekey=bramble-key/);
  const referenced = new Set(
    ofKind('PiNode').map((p) => (p.spec?.ssh as { privateKeySecretRef: { name: string } }).privateKeySecretRef.name),
  );
  assert.deepEqual([...referenced], [secretFile.doc.metadata?.name]);
});

void test('kustomization.yaml lists exactly the sample files', () => {
  const kustomization = parse(readFileSync(join(samplesDir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
  const files = readdirSync(samplesDir)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort();
  assert.deepEqual([...kustomization.resources].sort(), files);
});
