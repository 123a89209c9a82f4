// How long the executor's default settings take to give up on a Pi that went silent (cable
// pulled, Wi-Fi gone): an in-process ssh2 server behind a proxy that starts dropping every byte
// while a command runs. The keepalive must notice within 20 s (it used to take 60 s: 15 s × 4),
// and not before 10 s, so a Pi busy for a moment is not dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import ssh2 from 'ssh2';
import { Ssh2Executor } from './ssh2-executor.ts';
import { ConnectionLostError } from './errors.ts';
import { testPrivateKey } from './test-key.test-support.ts';
import { testHostKeyPair } from './test-host-key.test-support.ts';

const { Server } = ssh2;

/** An SSH server that runs nothing: `sleep` never ends, anything else exits 0 at once. */
function startServer(): Promise<{ port: number; close: () => void }> {
  const hostKey = testHostKeyPair().private;
  const server = new Server({ hostKeys: [hostKey] }, (client) => {
    client.on('authentication', (ctx) => ctx.accept());
    client.on('error', () => undefined);
    client.on('session', (accept) => {
      accept().on('exec', (acceptExec, _reject, info) => {
        const stream = acceptExec();
        stream.on('error', () => undefined);
        if (!info.command.includes('sleep')) {
          stream.exit(0);
          stream.end();
        }
      });
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as AddressInfo).port, close: () => server.close() }));
  });
}

/** A TCP proxy whose `cut()` drops every byte from then on, both ways, without closing anything. */
function startProxy(upstreamPort: number): Promise<{ port: number; cut: () => void; close: () => void }> {
  let cut = false;
  const sockets: Socket[] = [];
  const server: NetServer = createServer((down) => {
    const up = connect(upstreamPort, '127.0.0.1');
    sockets.push(down, up);
    down.on('data', (b) => cut || up.write(b));
    up.on('data', (b) => cut || down.write(b));
    down.on('error', () => undefined);
    up.on('error', () => undefined);
    down.on('close', () => up.destroy());
    up.on('close', () => down.destroy());
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        cut: () => {
          cut = true;
        },
        close: () => {
          server.close();
          for (const s of sockets) s.destroy();
        },
      }),
    );
  });
}

void test('with the default settings a silent peer is given up on after 10 to 20 s', { timeout: 90_000 }, async (t) => {
  const server = await startServer();
  const proxy = await startProxy(server.port);
  const executor = new Ssh2Executor();
  t.after(async () => {
    proxy.close();
    server.close();
    await executor.close();
  });
  const target = {
    host: '127.0.0.1',
    port: proxy.port,
    user: 'pi',
    privateKey: testPrivateKey,
    hostKey: { policy: 'TrustOnFirstUse' as const },
  };

  assert.equal((await executor.exec(target, 'true')).code, 0);
  const running = executor.exec(target, 'sleep 1000', { timeoutMs: 300_000 }).then(
    () => undefined,
    (err: unknown) => err,
  );
  await new Promise((r) => setTimeout(r, 300)); // the exec request is answered
  proxy.cut();
  const cutAt = performance.now();
  const err = await running;
  const detectedMs = performance.now() - cutAt;
  assert.ok(err instanceof ConnectionLostError, String(err));
  assert.ok(detectedMs >= 10_000 && detectedMs <= 20_000, `detected after ${Math.round(detectedMs)} ms`);
});

void test(
  'an idle pooled connection kept open reports its silent peer as lost; one bramble closes is not reported',
  { timeout: 90_000 },
  async (t) => {
    const server = await startServer();
    const proxy = await startProxy(server.port);
    const executor = new Ssh2Executor({ idleCloseMs: 0 });
    const idleClosing = new Ssh2Executor({ idleCloseMs: 200 });
    t.after(async () => {
      proxy.close();
      server.close();
      await executor.close();
      await idleClosing.close();
    });
    const target = {
      host: '127.0.0.1',
      port: proxy.port,
      user: 'pi',
      privateKey: testPrivateKey,
      hostKey: { policy: 'TrustOnFirstUse' as const },
    };
    const lost: { host: string; port: number; user: string; detail: string; ms: number }[] = [];
    const idleLost: unknown[] = [];
    executor.onConnectionLost((l) => lost.push({ ...l, ms: performance.now() - cutAt }));
    idleClosing.onConnectionLost((l) => idleLost.push(l));

    assert.equal((await idleClosing.exec({ ...target, port: server.port }, 'true')).code, 0);
    assert.equal((await executor.exec(target, 'true')).code, 0);
    await new Promise((r) => setTimeout(r, 1_000)); // past the other executor's idle close
    assert.equal(idleClosing.openConnections, 0, 'the idle connection was closed by bramble');
    assert.equal(executor.openConnections, 1, 'idleCloseMs 0 keeps the connection');
    proxy.cut();
    const cutAt = performance.now();
    while (lost.length === 0 && performance.now() - cutAt < 30_000) await new Promise((r) => setTimeout(r, 100));
    assert.equal(lost.length, 1, 'the silent peer is reported once');
    assert.deepEqual(
      { host: lost[0]?.host, port: lost[0]?.port, user: lost[0]?.user },
      { host: '127.0.0.1', port: proxy.port, user: 'pi' },
    );
    assert.ok((lost[0]?.ms ?? 0) >= 10_000 && (lost[0]?.ms ?? 0) <= 20_000, `reported after ${Math.round(lost[0]?.ms ?? 0)} ms`);
    assert.deepEqual(idleLost, [], 'an idle close is not a lost connection');
  },
);
