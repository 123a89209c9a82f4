import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHealthServer } from './health-server.ts';

void test('/healthz is always ok; /readyz is 503 until ready, then 200', async () => {
  let ready = false;
  const server = await startHealthServer('127.0.0.1:0', () => ready);
  try {
    const base = `http://127.0.0.1:${server.port}`;
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/readyz`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${base}/readyz`)).status, 200);
    assert.equal((await fetch(`${base}/nope`)).status, 404);
  } finally {
    await server.close();
  }
});
