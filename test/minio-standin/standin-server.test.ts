// The built stand-in executable on loopback, before any Pi sees it: two processes form a pool of
// two drives; S3 works with the root credentials only; cluster health follows the quorum.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'minio';
import { buildStandin } from './build.ts';
import { waitFor } from '../e2e/wait.ts';
import { freePort } from '../free-port.ts';

let dir: string;
const children: ChildProcess[] = [];
let ports: number[] = [];

const status = async (port: number, path: string) => (await fetch(`http://127.0.0.1:${port}${path}`)).status;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bramble-standin-'));
  const binary = await buildStandin();
  ports = [await freePort(), await freePort()];
  const volumes = ports.map((p, i) => `http://127.0.0.1:${p}${join(dir, `d${i}`)}`).join(' ');
  for (const [i, port] of ports.entries()) {
    mkdirSync(join(dir, `d${i}`));
    const child = spawn(binary.path, ['server', '--address', `:${port}`], {
      env: { MINIO_VOLUMES: volumes, MINIO_ROOT_USER: 'root-user', MINIO_ROOT_PASSWORD: 'root-password' },
      stdio: 'ignore',
    });
    children.push(child);
  }
  await waitFor(
    'both stand-ins live',
    20_000,
    async () => (await Promise.all(ports.map((p) => status(p, '/minio/health/live').catch(() => 0)))).every((s) => s === 200),
    200,
  );
});

after(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('S3 with the root credentials; other credentials and unsigned requests are refused', async () => {
  const client = new Client({ endPoint: '127.0.0.1', port: ports[0]!, useSSL: false, accessKey: 'root-user', secretKey: 'root-password' });
  await client.makeBucket('bucket-one');
  await client.putObject('bucket-one', 'k', Buffer.from('v1'));
  let got = '';
  for await (const chunk of await client.getObject('bucket-one', 'k')) got += chunk.toString();
  assert.equal(got, 'v1');
  const wrong = new Client({ endPoint: '127.0.0.1', port: ports[0]!, useSSL: false, accessKey: 'root-user', secretKey: 'other-password' });
  await assert.rejects(wrong.listBuckets(), (e: Error & { code?: string }) => e.code === 'SignatureDoesNotMatch');
  assert.equal(await status(ports[0]!, '/b1/k'), 403);
});

test('cluster health needs write quorum: two of two drives, so one process down is 503', async () => {
  assert.equal(await status(ports[0]!, '/minio/health/cluster'), 200);
  const second = children[1]!;
  second.kill('SIGTERM');
  await new Promise((resolve) => second.once('exit', resolve));
  assert.equal(second.exitCode, 0, 'SIGTERM is a clean stop');
  const res = await fetch(`http://127.0.0.1:${ports[0]}/minio/health/cluster`);
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('x-minio-write-quorum'), '2');
});
