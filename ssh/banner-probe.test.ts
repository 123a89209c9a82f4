import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { probeSshBanner } from './banner-probe.ts';

function listen(onSocket: Parameters<typeof createServer>[1]): Promise<{ server: Server; port: number }> {
  const server = createServer(onSocket);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

void test('a server that sends an SSH banner is up; the probe sends nothing and closes', async (t) => {
  let receivedBytes = 0;
  const { server, port } = await listen((socket) => {
    socket.on('data', (b) => (receivedBytes += b.length));
    socket.on('error', () => undefined);
    socket.write('SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n');
  });
  t.after(() => server.close());
  const result = await probeSshBanner('127.0.0.1', port, 2_000);
  assert.deepEqual({ up: result.up, banner: result.up ? result.banner : '' }, { up: true, banner: 'SSH-2.0-OpenSSH_9.2p1 Debian-2' });
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(receivedBytes, 0);
});

void test('lines before the banner are skipped; a banner split over packets is still read', async (t) => {
  const { server, port } = await listen((socket) => {
    socket.on('error', () => undefined);
    socket.write('hello\r\nSSH-2.0-');
    setTimeout(() => socket.write('dropbear\r\n'), 50);
  });
  t.after(() => server.close());
  const result = await probeSshBanner('127.0.0.1', port, 2_000);
  assert.equal(result.up && result.banner, 'SSH-2.0-dropbear');
});

void test('a closed port, a silent server and a server that hangs up are down, each with its detail', async (t) => {
  const silent = await listen((socket) => socket.on('error', () => undefined));
  const hangsUp = await listen((socket) => socket.end());
  const closed = await listen(() => undefined);
  const closedPort = closed.port;
  await new Promise((r) => closed.server.close(r));
  t.after(() => {
    silent.server.close();
    hangsUp.server.close();
  });
  const refused = await probeSshBanner('127.0.0.1', closedPort, 2_000);
  assert.ok(!refused.up && /ECONNREFUSED/.test(refused.detail), JSON.stringify(refused));
  const quiet = await probeSshBanner('127.0.0.1', silent.port, 300);
  assert.ok(!quiet.up && /within 300 ms/.test(quiet.detail), JSON.stringify(quiet));
  assert.ok(quiet.ms >= 290);
  const dropped = await probeSshBanner('127.0.0.1', hangsUp.port, 2_000);
  assert.ok(!dropped.up && /before its SSH banner/.test(dropped.detail), JSON.stringify(dropped));
});
