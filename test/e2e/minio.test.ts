// MinioPool end to end (issue 8): four simulated Pis, the operator as `bramble run` composes it,
// and a STAND-IN minio executable (test/minio-standin: MinIO's command line, credentials and
// health endpoints, a real S3 API) that each Pi downloads with curl from an artifact server on
// the fleet's bridge. S3 calls use the real `minio` npm client with the Secret's credentials.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { Client } from 'minio';
import { stringify } from 'yaml';
import { condition, E2eEnvironment, type ObjectJson } from './environment.ts';
import { waitFor } from './wait.ts';
import { buildStandin, type StandinBinary } from '../minio-standin/build.ts';
import { serveArtifacts, type ArtifactServer } from '../minio-standin/artifact-server.ts';

const resyncMs = 8_000;
const drives = ['/srv/minio/disk1', '/srv/minio/disk2'];
const firstPassword = 'first-root-password';
const rotatedPassword = 'rotated-root-password';
let env: E2eEnvironment;
let artifacts: ArtifactServer;
let standin: StandinBinary;
let scratch: string;
/** sha256 the pool pins for the "corrupted download" case: what the mirror serves differs. */
let pinnedForCorrupt: string;

interface PoolStatus {
  endpoint?: string;
  nodesOnline?: number;
  nodesTotal?: number;
  drivesOnline?: number;
  drivesTotal?: number;
  health?: string;
  installedSha256?: string;
  nodes?: { name: string; online: boolean; drivesOnline?: number }[];
}

const pool = async (): Promise<ObjectJson> => env.get('miniopool', 'objects');
const statusOf = (o: ObjectJson): PoolStatus => (o.status ?? {}) as PoolStatus;
const nodes = (): string[] => env.fleet.nodes.map((n) => n.name);

function poolYaml(source: { url: string; sha256: string }): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'MinioPool',
    metadata: { name: 'objects' },
    spec: {
      nodeSelector: { matchLabels: { 'bramble.dev/storage': 'minio' } },
      drivesPerNode: drives.length,
      drivePaths: drives,
      // The simulated Pis have one overlay root filesystem and no USB disks.
      allowRootFilesystem: true,
      credentialsSecretRef: { name: 'minio-root' },
      source,
      ports: { api: 9000, console: 9001 },
    },
  });
}

function secretYaml(password: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'minio-root' },
    type: 'Opaque',
    stringData: { rootUser: 'bramble-admin', rootPassword: password },
  });
}

function s3(endpoint: string, secretKey: string, accessKey = 'bramble-admin'): Client {
  const url = new URL(endpoint);
  return new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey, secretKey, region: 'us-east-1' });
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

async function poolReady(): Promise<boolean> {
  const p = await pool();
  return (
    condition(p, 'Ready')?.status === 'True' &&
    (p.status as { observedGeneration?: number }).observedGeneration === (p.metadata as { generation?: number }).generation
  );
}

/** What each node's server runs as right now: main PID and env file digest. */
async function serverState(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of nodes()) {
    out[n] = await env.onNode(
      n,
      'echo "$(systemctl show -p MainPID --value minio) $(sha256sum < /usr/local/bin/minio | cut -c1-16) $(sha256sum < /etc/default/minio | cut -c1-16)"',
    );
  }
  return out;
}

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'bramble-e2e-minio-'));
  const [env0, built] = await Promise.all([
    E2eEnvironment.start({ name: 'e2eminio', nodes: 4, subnet: '10.213.43.0/24', resyncMs }),
    buildStandin(),
  ]);
  env = env0;
  standin = built;
  // A "new release" whose download arrives corrupted: the mirror serves its first 4 MiB with
  // one byte flipped, while the pool pins the digest of the whole release.
  const corrupt = join(scratch, 'minio-corrupt');
  const release = Buffer.concat([readFileSync(standin.path), Buffer.from('release 2')]);
  pinnedForCorrupt = createHash('sha256').update(release).digest('hex');
  const damaged = Buffer.from(release.subarray(0, 4 * 2 ** 20));
  damaged.writeUInt8(damaged.readUInt8(1000) ^ 0xff, 1000);
  writeFileSync(corrupt, damaged);
  artifacts = await serveArtifacts(env.fleet.bridgeAddress, { minio: standin.path, 'minio-next': corrupt });
  await env.kubectl(
    ['apply', '-f', '-'],
    env.piNodeYaml(() => ({ labels: { 'bramble.dev/storage': 'minio' } })),
  );
  await env.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=180s']);
  await env.kubectl(['apply', '-f', '-'], secretYaml(firstPassword));
});

after(async () => {
  await artifacts?.close();
  await env?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

test('a four-node pool becomes Ready: binary verified, env file 0600, unit enabled, quorum in status', async () => {
  await env.kubectl(['apply', '-f', '-'], poolYaml({ url: `${artifacts.url}minio`, sha256: standin.sha256 }));
  await waitFor('MinioPool objects Ready', 180_000, poolReady, 1000);
  const p = await pool();
  const s = statusOf(p);
  assert.equal(s.health, 'Healthy');
  assert.equal(s.nodesTotal, 4);
  assert.equal(s.nodesOnline, 4);
  assert.equal(s.drivesTotal, 8);
  assert.equal(s.drivesOnline, 8);
  assert.equal(s.installedSha256, standin.sha256);
  assert.match(s.endpoint ?? '', /^http:\/\/10\.213\.43\.\d+:9000$/);
  assert.equal(artifacts.downloads.get('minio'), 4, 'each Pi downloaded the binary once');
  const first = env.fleet.nodes[0]!.address.replace(/\d+$/, '');
  for (const n of nodes()) {
    assert.equal(await env.onNode(n, 'sha256sum < /usr/local/bin/minio | cut -d" " -f1'), standin.sha256);
    assert.equal(await env.onNode(n, 'stat -c "%a %U" /etc/default/minio'), '600 root');
    assert.equal(await env.onNode(n, 'systemctl is-enabled minio; systemctl is-active minio'), 'enabled\nactive');
    assert.equal(await env.onNode(n, `stat -c %U ${drives.join(' ')}`), 'minio-user\nminio-user');
    assert.equal(await env.onNode(n, 'ps -o user= -C minio | sort -u'), 'minio-user');
    // MINIO_VOLUMES in MinIO's ellipsis form, and no credential on any command line.
    const args = await env.onNode(n, 'tr "\\0" " " < /proc/$(systemctl show -p MainPID --value minio)/cmdline');
    assert.ok(args.includes(`http://${first}{10...13}:9000/srv/minio/disk{1...2}`), args);
    assert.ok(!args.includes(firstPassword));
  }
  // What the pool created is recorded (issue 15): each drive's host:path and MinIO's deployment ID,
  // and each drive carries bramble's marker naming this resource; the stamp is private (issue 16).
  const owned = (p.status as { owned?: { deploymentId?: string; drives: { node: string; path: string }[] } }).owned;
  assert.equal(owned?.drives.length, 8);
  assert.equal(
    owned?.deploymentId,
    await env.onNode(nodes()[0]!, `sed -n 's/.*"id":"\\([0-9a-f-]*\\)".*/\\1/p' ${drives[0]}/.minio.sys/format.json`),
  );
  for (const n of nodes()) {
    assert.equal(await env.onNode(n, `stat -c '%a %U' ${drives.map((d) => `${d}/.bramble-owner`).join(' ')} | sort -u`), '600 root');
    assert.equal(await env.onNode(n, `sed -n 's/^uid=//p' ${drives[0]}/.bramble-owner`), (p.metadata as { uid?: string }).uid);
    assert.equal(await env.onNode(n, 'stat -c %a /var/lib/bramble/minio.applied'), '600');
  }
  const everything = JSON.stringify(p) + JSON.stringify(await env.events());
  assert.ok(!everything.includes(firstPassword), 'the root password is in no status and no Event');
});

test("S3 with the Secret's credentials: make a bucket, put and get an object; wrong credentials are refused", async () => {
  const endpoint = statusOf(await pool()).endpoint ?? '';
  const client = s3(endpoint, firstPassword);
  await client.makeBucket('bramble-e2e');
  await client.putObject('bramble-e2e', 'hello.txt', Buffer.from('stored on a simulated Pi'));
  assert.equal(await readAll(await client.getObject('bramble-e2e', 'hello.txt')), 'stored on a simulated Pi');
  assert.ok((await client.listBuckets()).some((b) => b.name === 'bramble-e2e'));
  await assert.rejects(
    s3(endpoint, 'not-the-password').listBuckets(),
    (e: Error & { code?: string }) => e.code === 'SignatureDoesNotMatch',
  );
  await assert.rejects(
    s3(endpoint, firstPassword, 'someone-else').listBuckets(),
    (e: Error & { code?: string }) => e.code === 'InvalidAccessKeyId',
  );
  const anonymous = await fetch(`${endpoint}/bramble-e2e/hello.txt`);
  assert.equal(anonymous.status, 403, 'an unsigned request is refused');
});

test('a second reconcile of a converged pool changes nothing', async () => {
  const mark = env.counter.calls.length;
  const pi0 = env.fleet.nodes[0]!.address;
  // pi0 is observed by its PiNode and by the pool: four observes are two passes of each.
  await waitFor(
    'two passes',
    resyncMs * 6,
    async () => env.counter.since(mark).filter((c) => c.kind === 'observe' && c.done && c.host === pi0).length >= 4,
  );
  assert.deepEqual(
    env.counter.since(mark).filter((c) => c.kind !== 'observe'),
    [],
    'only observes: no mutating command',
  );
  assert.ok(await poolReady());
});

test('a corrupted download (wrong sha256) is refused before anything runs, and Stalled says so', async () => {
  const before = await serverState();
  await env.kubectl(['apply', '-f', '-'], poolYaml({ url: `${artifacts.url}minio-next`, sha256: pinnedForCorrupt }));
  await waitFor('Stalled ChecksumMismatch', 60_000, async () => condition(await pool(), 'Stalled')?.reason === 'ChecksumMismatch', 1000);
  const p = await pool();
  assert.equal(condition(p, 'Ready')?.status, 'False');
  assert.match(condition(p, 'Stalled')?.message ?? '', /sha256 mismatch/);
  assert.deepEqual(await serverState(), before, 'no node installed, restarted or rewrote anything');
  // (A retry may be downloading again right now; what matters is that nothing bad is kept.)
  for (const n of nodes())
    assert.equal(await env.onNode(n, `ls /usr/local/bin | grep -v '^minio.download.' || true`), 'minio', `${n} kept no bad download`);
  assert.ok((await env.events()).some((e) => e.reason === 'ChecksumMismatch'));
  // Back to the good release: Ready again without a restart (the binary never changed).
  await env.kubectl(['apply', '-f', '-'], poolYaml({ url: `${artifacts.url}minio`, sha256: standin.sha256 }));
  await waitFor('Ready again', 60_000, poolReady, 1000);
  assert.deepEqual(await serverState(), before);
});

test('rotating the root password rolls node by node, and only the new password works', async () => {
  const before = await serverState();
  const mark = env.counter.calls.length;
  await env.kubectl(['apply', '-f', '-'], secretYaml(rotatedPassword));
  await waitFor(
    'every node restarted with the new env file',
    120_000,
    async () => {
      const now = await serverState();
      return nodes().every((n) => now[n]?.split(' ')[0] !== before[n]?.split(' ')[0] && now[n]?.split(' ')[2] !== before[n]?.split(' ')[2]);
    },
    1000,
  );
  await waitFor('Ready after the rotation', 60_000, poolReady, 1000);
  // One restart at a time: each node's rollout exec ended before the next one began.
  const rollout = env.counter
    .since(mark)
    .filter((c) => c.kind === 'apply')
    .sort((a, b) => a.at - b.at);
  assert.equal(new Set(rollout.map((c) => c.host)).size, 4, 'every node took part');
  for (let i = 1; i < rollout.length; i++) {
    const prev = rollout[i - 1]!;
    assert.ok(rollout[i]!.at >= prev.at + prev.durationMs, `${rollout[i]!.host} started after ${prev.host} finished`);
  }
  const restarted = (await env.events()).find((e) => e.reason === 'MinioRestarted' && /credentials/.test(e.note ?? ''));
  assert.ok(restarted, 'an Event names the rollout');
  const endpoint = statusOf(await pool()).endpoint ?? '';
  assert.equal(await readAll(await s3(endpoint, rotatedPassword).getObject('bramble-e2e', 'hello.txt')), 'stored on a simulated Pi');
  await assert.rejects(s3(endpoint, firstPassword).listBuckets(), (e: Error & { code?: string }) => e.code === 'SignatureDoesNotMatch');
  const everything = JSON.stringify(await pool()) + JSON.stringify(await env.events());
  assert.ok(!everything.includes(rotatedPassword));
});

test('deleting the pool stops and disables MinIO everywhere and keeps the data', async () => {
  const endpointHost = new URL(statusOf(await pool()).endpoint ?? '').hostname;
  const holder = env.fleet.nodes.find((n) => n.address === endpointHost)!.name;
  await env.kubectl(['delete', 'miniopool', 'objects', '--timeout=120s']);
  assert.notEqual((await env.cp.kubectl(['get', 'miniopool', 'objects'])).code, 0, 'the finalizer was removed once cleanup was done');
  for (const n of nodes()) {
    assert.equal(await env.onNode(n, 'systemctl is-active minio || true'), 'inactive', n);
    assert.equal(await env.onNode(n, 'systemctl is-enabled minio || true'), 'disabled', n);
    assert.equal(await env.onNode(n, `ls -d ${drives.join(' ')} | wc -l`), '2', `${n} keeps its drives`);
  }
  assert.equal(
    await env.onNode(holder, 'cat /srv/minio/disk1/bramble-e2e/hello.txt._S3rver_object'),
    'stored on a simulated Pi',
    'the object is still on disk',
  );
  assert.ok((await env.events()).some((e) => e.reason === 'MinioPoolRemoved' && /data kept/.test(e.note ?? '')));
});
