// Benchmark of the embedded control plane (not a test: figures, no pass/fail):
//   - creating 10,000 PiNodes through the API (schema validation and SQLite on every write)
//   - listing 10,000 objects (JSON and Table)
//   - watch fan-out: 10 watchers each receiving 10,000 change events
//   - memory at 10,000 objects
// Run with `npm run bench` (or `node --expose-gc --import tsx bench/controlplane.ts`).
import { Agent, request } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 10_000);
const WATCHERS = 10;
const CONCURRENCY = 16;
const PATH = '/apis/bramble.dev/v1alpha1/namespaces/default/pinodes';
const ROOT = fileURLToPath(new URL('../', import.meta.url));

function client(cp: ControlPlane) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + WATCHERS + 2, ca: cp.caCertPem });
  const call = (method: string, path: string, body?: string, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        new URL(path, cp.url),
        {
          method,
          agent,
          headers: { Authorization: `Bearer ${cp.token}`, 'Content-Type': 'application/json', ...headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { agent, call };
}

function piNode(i: number): string {
  return JSON.stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: `pi-${i}`, labels: { rack: `r${i % 20}` } },
    spec: {
      address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      hostname: `pi-${i}`,
      ssh: { hostKeyPolicy: 'TrustOnFirstUse', privateKeySecretRef: { name: 'pi-ssh' } },
    },
  });
}

async function inParallel(count: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await work(next++);
    }),
  );
}

function memoryMiB(): { rss: number; heap: number } {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bramble-bench-'));
  const cp = await startControlPlane({ dataDir, listen: '127.0.0.1:0', watchCacheSize: OBJECTS * 2 });
  const { agent, call } = client(cp);
  const figures: Record<string, string> = {};
  try {
    const crd = readFileSync(join(ROOT, 'crds', 'bramble.dev_pinodes.yaml'), 'utf8');
    const r = await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd, { 'Content-Type': 'application/yaml' });
    if (r.status !== 201) throw new Error(`CRD: ${r.body}`);
    const memEmpty = memoryMiB();

    let t0 = performance.now();
    await inParallel(OBJECTS, async (i) => {
      const res = await call('POST', PATH, piNode(i));
      if (res.status !== 201) throw new Error(`create ${i}: ${res.status} ${res.body}`);
    });
    const createMs = performance.now() - t0;
    figures.create = `${OBJECTS} PiNodes created in ${(createMs / 1000).toFixed(2)} s (${(OBJECTS / (createMs / 1000)).toFixed(0)}/s, ${CONCURRENCY} concurrent, SQLite WAL synchronous=FULL)`;

    const memFull = memoryMiB();
    figures.memory = `heap ${memFull.heap.toFixed(1)} MiB (+${(memFull.heap - memEmpty.heap).toFixed(1)} MiB for ${OBJECTS} objects), rss ${memFull.rss.toFixed(1)} MiB`;

    const listTimes: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      t0 = performance.now();
      const res = await call('GET', PATH);
      listTimes.push(performance.now() - t0);
      bytes = res.body.length;
      const n = (JSON.parse(res.body) as { items: unknown[] }).items.length;
      if (n !== OBJECTS) throw new Error(`list returned ${n}`);
    }
    figures.list = `list of ${OBJECTS}: median ${median(listTimes).toFixed(0)} ms over 5 (${(bytes / 2 ** 20).toFixed(1)} MiB JSON)`;
    const tableTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      t0 = performance.now();
      await call('GET', PATH, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
      tableTimes.push(performance.now() - t0);
    }
    figures.table = `Table list of ${OBJECTS} (kubectl get): median ${median(tableTimes).toFixed(0)} ms over 3`;
    t0 = performance.now();
    await call('GET', `${PATH}?labelSelector=rack%3Dr7`);
    figures.selector = `label-selected list (1 in 20 of ${OBJECTS}): ${(performance.now() - t0).toFixed(0)} ms`;

    const startRv = (JSON.parse((await call('GET', `${PATH}?limit=1`)).body) as { metadata: { resourceVersion: string } }).metadata
      .resourceVersion;
    const received = new Array<number>(WATCHERS).fill(0);
    const watches = Array.from(
      { length: WATCHERS },
      (_, w) =>
        new Promise<void>((resolve, reject) => {
          const req = request(
            new URL(`${PATH}?watch=true&resourceVersion=${startRv}&timeoutSeconds=600`, cp.url),
            {
              agent,
              headers: { Authorization: `Bearer ${cp.token}` },
            },
            (res) => {
              let buf = '';
              res.on('data', (c: Buffer) => {
                buf += c.toString('utf8');
                let nl: number;
                while ((nl = buf.indexOf('\n')) >= 0) {
                  buf = buf.slice(nl + 1);
                  if (++received[w]! === OBJECTS) {
                    req.destroy();
                    resolve();
                  }
                }
              });
              res.on('error', () => {});
            },
          );
          req.on('error', (err) => (received[w]! >= OBJECTS ? resolve() : reject(err)));
          req.end();
        }),
    );
    await new Promise((r) => setTimeout(r, 200));
    t0 = performance.now();
    await inParallel(OBJECTS, async (i) => {
      const res = await call('PATCH', `${PATH}/pi-${i}/status`, '{"status":{"observedGeneration":1}}', {
        'Content-Type': 'application/merge-patch+json',
      });
      if (res.status !== 200) throw new Error(`status ${i}: ${res.status} ${res.body}`);
    });
    const writesMs = performance.now() - t0;
    await Promise.all(watches);
    const fanoutMs = performance.now() - t0;
    figures.watch =
      `${OBJECTS} status updates fanned out to ${WATCHERS} watchers (${OBJECTS * WATCHERS} events delivered) in ${(fanoutMs / 1000).toFixed(2)} s ` +
      `(${((OBJECTS * WATCHERS) / (fanoutMs / 1000)).toFixed(0)} events/s delivered; writes alone took ${(writesMs / 1000).toFixed(2)} s; last delivery ${(fanoutMs - writesMs).toFixed(0)} ms after the last write)`;
    const memAfter = memoryMiB();
    figures.memoryAfterWatch = `after the fan-out: heap ${memAfter.heap.toFixed(1)} MiB, rss ${memAfter.rss.toFixed(1)} MiB (watch cache holds ${OBJECTS * 2} events)`;
  } finally {
    agent.destroy();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const [k, v] of Object.entries(figures)) process.stdout.write(`controlplane ${k}: ${v}\n`);
}

await main();
