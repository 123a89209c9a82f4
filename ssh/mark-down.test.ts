// A host a probe found silent fails at once, without a connection attempt, until its mark runs
// out or a probe finds it again (controllers/liveness.ts drives this).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Ssh2Executor } from './ssh2-executor.ts';
import { UnreachableError } from './errors.ts';
import { testPrivateKey } from './test-key.test-support.ts';

void test('markDown fails exec at once with UnreachableError and connects nowhere; forgetFailures or the end of the mark lets it connect again', async (t) => {
  let accepted = 0;
  // Accepts and never speaks: a real connect attempt waits for its ready timeout.
  const server = createServer((socket) => {
    accepted++;
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  let now = 1_000_000;
  const executor = new Ssh2Executor({ readyTimeoutMs: 300, now: () => now });
  t.after(async () => {
    await executor.close();
    server.close();
  });
  const target = { host: '127.0.0.1', port, user: 'pi', privateKey: testPrivateKey, hostKey: { policy: 'TrustOnFirstUse' as const } };
  const attempt = async (): Promise<{ err: unknown; ms: number }> => {
    const started = performance.now();
    const err = await executor.exec(target, 'true').then(
      () => undefined,
      (e: unknown) => e,
    );
    return { err, ms: performance.now() - started };
  };

  executor.markDown('127.0.0.1', port, 'no SSH banner within 3000 ms', 26_000);
  const marked = await attempt();
  assert.ok(marked.err instanceof UnreachableError && /no SSH banner/.test(marked.err.message), String(marked.err));
  assert.ok(marked.ms < 100, `failed at once (${Math.round(marked.ms)} ms)`);
  assert.equal(accepted, 0, 'nothing was sent');

  executor.forgetFailures('127.0.0.1', port);
  const cleared = await attempt();
  assert.ok(cleared.err instanceof UnreachableError && /in time/.test(cleared.err.message), String(cleared.err));
  assert.equal(accepted, 1, 'after forgetFailures it connects');

  executor.markDown('127.0.0.1', port, 'no SSH banner within 3000 ms', 26_000);
  now += 26_001;
  // The connect backoff of the failure above is long over too.
  await attempt();
  assert.equal(accepted, 2, 'once the mark has run out it connects');
});
