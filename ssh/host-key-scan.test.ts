// scanHostKey against a real SSH server (ssh2's, in process, on loopback): it returns the key
// the server holds, `ssh-keygen -lf` agrees with its fingerprint, and the server never sees an
// authentication attempt — the scan ends in the key exchange, as ssh-keyscan's does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { hostKeyFingerprint } from './host-key.ts';
import { scanHostKey } from './host-key-scan.ts';
import { UnreachableError } from './errors.ts';
import { testHostKeyPair } from './test-host-key.test-support.ts';

const { Server } = ssh2;

void test('the key a server presents, with the fingerprint ssh-keygen prints, and no login attempted', async () => {
  const pair = testHostKeyPair();
  let authAttempts = 0;
  const server = new Server({ hostKeys: [pair.private] }, (client) => {
    client.on('authentication', (ctx) => {
      authAttempts++;
      ctx.reject();
    });
    client.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const dir = mkdtempSync(join(tmpdir(), 'bramble-scan-'));
  try {
    const line = await scanHostKey('127.0.0.1', { port: (server.address() as AddressInfo).port, timeoutMs: 10_000 });
    const expected = pair.public.trim().split(/\s+/).slice(0, 2).join(' ');
    assert.equal(line, expected);
    writeFileSync(join(dir, 'key.pub'), `${line} test\n`);
    const keygen = execFileSync('ssh-keygen', ['-lf', join(dir, 'key.pub')], { encoding: 'utf8' });
    assert.equal(keygen.split(' ')[1], hostKeyFingerprint(line), `ssh-keygen says: ${keygen}`);
    assert.equal(authAttempts, 0, 'nothing but the key exchange');
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('nothing listening: an Unreachable error naming the endpoint', async () => {
  const server = new Server({ hostKeys: [testHostKeyPair().private] }, () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  await assert.rejects(
    scanHostKey('127.0.0.1', { port, timeoutMs: 5_000 }),
    (e: unknown) => e instanceof UnreachableError && e.endpoint === `127.0.0.1:${port}`,
  );
});
