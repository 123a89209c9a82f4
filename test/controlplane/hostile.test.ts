// Hostile clients against a control plane in its own process (so its RSS is its own): slowloris
// (a body trickled with and without a token, headers never finished, a TLS handshake never
// started), bodies nested 400,000 levels deep, malformed URLs, and 500 concurrent watches with
// a connection cap. Every case is bounded and ends by itself; RSS before/after is printed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { join } from 'node:path';
import { FIXTURES } from './harness.ts';

interface Served {
  url: string;
  token: string;
  caCertPem: string;
  pid: number;
}

const LIMITS = { headersTimeoutMs: 1000, requestTimeoutMs: 2000, handshakeTimeoutMs: 1000, checkIntervalMs: 200, maxConnections: 550 };
const CM = '/api/v1/namespaces/default/configmaps';

let child: ChildProcess;
let s: Served;

before(async () => {
  child = spawn(process.execPath, ['--import', 'tsx', join(FIXTURES, 'serve.ts'), JSON.stringify({ limits: LIMITS })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  s = await new Promise<Served>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!) as Served);
    });
    child.on('exit', (code) => reject(new Error(`the control plane exited (${code})`)));
  });
});

after(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

function rssMiB(): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.pid}/status`, 'utf8'))![1]);
  return Math.round(kb / 102.4) / 10;
}

const port = () => Number(new URL(s.url).port);

function tls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: port(), ca: s.caCertPem }, () => resolve(socket));
    socket.on('error', reject);
  });
}

/** Resolves with what the server sent and how long after `since` it closed the socket. */
function closed(socket: Socket, since: number, limitMs: number): Promise<{ ms: number; received: string }> {
  return new Promise((resolve, reject) => {
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the socket open for ${limitMs} ms; received: ${received.slice(0, 200)}`));
    }, limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ ms: Date.now() - since, received });
    });
  });
}

function trickle(socket: Socket, text: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (!socket.destroyed) socket.write(text);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
  return () => clearInterval(timer);
}

function call(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, s.url),
      {
        method,
        ca: s.caCertPem,
        agent: false,
        headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

void test('slowloris without a token: 401 at once and the socket closed, not held while the body trickles', async () => {
  const socket = await tls();
  const start = Date.now();
  socket.write(`POST ${CM} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`);
  trickle(socket, 'a', 200);
  const { ms, received } = await closed(socket, start, 5000);
  assert.match(received, /^HTTP\/1\.1 401 Unauthorized/);
  assert.match(received, /connection: close/i);
  assert.ok(ms < 1500, `closed after ${ms} ms`);
});

void test('slowloris with a token: the body deadline (request timeout) ends the connection', async () => {
  const socket = await tls();
  const start = Date.now();
  socket.write(
    `POST ${CM} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{`,
  );
  trickle(socket, ' ', 200);
  const { ms, received } = await closed(socket, start, 8000);
  assert.ok(ms >= LIMITS.requestTimeoutMs - 100 && ms < LIMITS.requestTimeoutMs + 1500, `closed after ${ms} ms`);
  assert.match(received, /^HTTP\/1\.1 408 /);
});

void test('headers never finished, and a TLS handshake never started, are cut at their deadlines', async () => {
  const socket = await tls();
  const start = Date.now();
  socket.write('GET /version HTTP/1.1\r\nHost: x\r\n');
  trickle(socket, 'X-Slow: y\r\n', 200);
  const headers = await closed(socket, start, 6000);
  assert.ok(headers.ms < LIMITS.headersTimeoutMs + 1500, `headers: closed after ${headers.ms} ms`);

  const silent = await tls();
  const silentStart = Date.now();
  const idle = await closed(silent, silentStart, 6000);
  assert.ok(idle.ms < LIMITS.headersTimeoutMs + 1500, `no request at all: closed after ${idle.ms} ms`);

  const raw = tcpConnect(port(), '127.0.0.1');
  const rawStart = Date.now();
  const handshake = await closed(raw, rawStart, 6000);
  assert.ok(handshake.ms < LIMITS.handshakeTimeoutMs + 1500, `no TLS handshake: closed after ${handshake.ms} ms`);
});

/** A watch on configmaps: its events as they come, and a promise for its end. */
function watch(query: string): Promise<{ events: { type: string; object: { metadata: { name: string } } }[]; ended: Promise<number> }> {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const req = request(
      new URL(`${CM}?watch=true&${query}`, s.url),
      { ca: s.caCertPem, agent: false, headers: { Authorization: `Bearer ${s.token}` } },
      (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch answered ${res.statusCode}`));
          return;
        }
        const events: { type: string; object: { metadata: { name: string } } }[] = [];
        let buffer = '';
        res.on('data', (c: Buffer) => {
          buffer += c.toString('utf8');
          const lines = buffer.split('\n');
          buffer = lines.pop()!;
          for (const line of lines) if (line) events.push(JSON.parse(line) as (typeof events)[number]);
        });
        const ended = new Promise<number>((done) => res.on('close', () => done(Date.now() - start)));
        resolve({ events, ended });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

void test('a watch is exempt from the request deadline: it outlives it and still gets events', async () => {
  const w = await watch('timeoutSeconds=4');
  await new Promise((r) => setTimeout(r, LIMITS.requestTimeoutMs + 500));
  assert.equal((await call('POST', CM, JSON.stringify({ metadata: { name: 'late' } }))).status, 201);
  await until(
    'the ADDED event after the deadline',
    () => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'late'),
    3000,
  );
  assert.ok((await w.ended) >= 3900, 'the watch ran to its own timeoutSeconds');
});

void test("bodies nested 400,000 levels deep get 400 (JSON and YAML); the server's memory stays flat", async (t) => {
  const before = rssMiB();
  const json = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"deep"},"x":${'['.repeat(400_000)}${']'.repeat(400_000)}}`;
  const deep = await call('POST', CM, json);
  assert.equal(deep.status, 400);
  assert.match(JSON.parse(deep.body).message as string, /exceeded max depth of 1000/);
  for (const yaml of [`metadata: {name: deep}\nx: ${'['.repeat(400_000)}`, `metadata: {name: deep}\nx: ${'- '.repeat(400_000)}y`]) {
    const r = await call('POST', CM, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 400, r.body.slice(0, 200));
    assert.match(JSON.parse(r.body).message as string, /exceeded max depth of 1000/);
  }
  const patch = await call('PATCH', `${CM}/late`, `{"data":${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}}`, {
    'Content-Type': 'application/merge-patch+json',
  });
  assert.equal(patch.status, 400);
  // At the limit everything still works: create, patch and read back.
  const atLimit = (name: string, depth: number) =>
    JSON.stringify({ metadata: { name } }).replace(/}$/, `,"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`);
  assert.equal((await call('POST', CM, atLimit('at-limit', 1000))).status, 201);
  assert.equal(
    (await call('PATCH', `${CM}/at-limit`, '{"data":{"k":"v"}}', { 'Content-Type': 'application/strategic-merge-patch+json' })).status,
    200,
  );
  assert.equal((await call('POST', CM, atLimit('over-limit', 1001))).status, 400);
  const afterRss = rssMiB();
  t.diagnostic(`deep bodies: control plane RSS ${before} MiB before, ${afterRss} MiB after`);
  assert.ok(afterRss - before < 64, `RSS grew from ${before} to ${afterRss} MiB`);
});

/** Sends a raw request line and returns the status line and body. */
async function raw(target: string): Promise<{ status: number; body: string }> {
  const socket = await tls();
  socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${s.token}\r\nConnection: close\r\n\r\n`);
  const { received } = await closed(socket, Date.now(), 5000);
  const status = Number(/^HTTP\/1\.1 (\d+)/.exec(received)?.[1] ?? 0);
  return { status, body: received.slice(received.indexOf('\r\n\r\n') + 4) };
}

void test('malformed URLs get 400 Status answers, `..` is refused rather than resolved, and the server keeps serving', async () => {
  for (const [target, message] of [
    [`${CM}/%zz`, /invalid URL escape "%zz"/],
    [`${CM}/%e0%a4%a`, /invalid URL escape/],
    [`${CM}?labelSelector=%`, /invalid URL escape "%" in the query/],
    [`${CM}/../../../secrets`, /may not contain "\." or "\.\." segments/],
    [`${CM}/%2e%2e/%2e%2e/%2e%2e/secrets`, /may not contain/],
    ['/api/v1/namespaces/default/configmaps/x/../../../../version', /may not contain/],
  ] as const) {
    const r = await raw(target);
    assert.equal(r.status, 400, `${target}: ${r.body}`);
    const status = JSON.parse(r.body) as { kind: string; reason: string; message: string };
    assert.equal(status.kind, 'Status');
    assert.equal(status.reason, 'BadRequest');
    assert.match(status.message, message);
  }
  assert.equal((await call('GET', '/version')).status, 200);
});

void test('500 concurrent watches are all served and end by themselves; the connection cap drops the excess; RSS stays bounded', async (t) => {
  const before = rssMiB();
  // Opened 50 at a time: 500 simultaneous TLS handshakes on a busy machine overrun the 1 s handshake deadline.
  const watches: Awaited<ReturnType<typeof watch>>[] = [];
  while (watches.length < 500) watches.push(...(await Promise.all(Array.from({ length: 50 }, () => watch('timeoutSeconds=8')))));
  const opened = rssMiB();
  assert.equal((await call('POST', CM, JSON.stringify({ metadata: { name: 'fanout' } }))).status, 201);
  await until(
    'all 500 watches to get the ADDED event',
    () => watches.every((w) => w.events.some((e) => e.type === 'ADDED' && e.object.metadata.name === 'fanout')),
    10_000,
  );

  // 500 watches hold 500 of the 550 connections: of 100 more, the ones over the cap are closed at once.
  const extra = Array.from({ length: 100 }, () => tcpConnect(port(), '127.0.0.1'));
  const dropped = (
    await Promise.all(
      extra.map((sock) =>
        closed(sock, Date.now(), 6000).then(
          (c) => c.ms < 500,
          () => false,
        ),
      ),
    )
  ).filter(Boolean).length;
  assert.ok(dropped >= 40 && dropped <= 60, `${dropped} of 100 connections over the cap were dropped at once`);

  const durations = await Promise.all(watches.map((w) => w.ended));
  assert.ok(Math.max(...durations) < 12_000, 'every watch ended by itself at its timeoutSeconds');
  assert.equal((await call('GET', CM)).status, 200, 'the server serves again once the watches are gone');
  await new Promise((r) => setTimeout(r, 500));
  const afterRss = rssMiB();
  t.diagnostic(
    `500 watches: control plane RSS ${before} MiB before, ${opened} MiB with all open, ${afterRss} MiB after they ended; ${dropped} of 100 connections over the cap of ${LIMITS.maxConnections} dropped`,
  );
  assert.ok(opened - before < 200, `500 watches cost ${opened - before} MiB`);
});
