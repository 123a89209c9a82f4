// Two real operator processes with --leader-elect against the embedded control plane: exactly
// one reconciles; killing it (SIGKILL, no goodbye) hands over within the lease duration; SIGTERM
// drains in-flight work, releases the lease, and the standby takes over at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ApiClient } from '../../controllers/api-client.ts';
import { kubeConfigFromString } from '../../controllers/kubeconfig.ts';
import { collectionPath, objectPath, resourceTypes } from '../../controllers/resource-type.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { installWidgetCrd, waitFor, widgetType } from './widget.ts';

const entry = fileURLToPath(new URL('./manager-entry.ts', import.meta.url));
const leaseMs = 3000;

interface Line {
  pid: number;
  identity: string;
  event: string;
  key?: string;
  value?: number;
  at: number;
}

interface Operator {
  child: ChildProcess;
  pid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let cp: ControlPlane;
let api: ApiClient;
let dir: string;
let kubeconfigPath: string;
const lines: Line[] = [];
const children: Operator[] = [];

before(async () => {
  cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0' });
  api = new ApiClient(kubeConfigFromString(cp.kubeconfig()));
  await installWidgetCrd(api);
  dir = mkdtempSync(join(tmpdir(), 'bramble-le-'));
  kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, cp.kubeconfig(), { mode: 0o600 });
});

after(async () => {
  // Only the PIDs this file started.
  for (const op of children) if (op.child.exitCode === null && op.child.signalCode === null) op.child.kill('SIGKILL');
  await Promise.all(children.map((op) => op.exited));
  api?.close();
  await cp?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function startOperator(namespace: string, leaseName: string): Operator {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      entry,
      '--kubeconfig',
      kubeconfigPath,
      `--namespace=${namespace}`,
      '--leader-elect',
      `--leader-election-id=${leaseName}`,
      '--metrics-bind-address=127.0.0.1:0',
      '--health-probe-bind-address=127.0.0.1:0',
      '--log-level=warn',
    ],
    { env: { ...process.env, BRAMBLE_TEST_LEASE_MS: String(leaseMs) }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const pid = child.pid as number;
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    try {
      lines.push({ ...(JSON.parse(text) as Omit<Line, 'at'>), at: Date.now() });
    } catch {
      // not one of ours
    }
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(`operator ${pid} exited ${code}:\n${stderr}\n`);
      resolve({ code, signal });
    }),
  );
  const op = { child, pid, exited };
  children.push(op);
  return op;
}

async function namespace(name: string): Promise<void> {
  await api.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } } });
}

async function createWidget(ns: string, name: string, spec: Record<string, unknown>): Promise<void> {
  await api.request('POST', collectionPath(widgetType, ns), {
    body: { apiVersion: 'test.bramble.dev/v1', kind: 'Widget', metadata: { name, namespace: ns }, spec },
  });
}

async function holder(ns: string, lease: string): Promise<string | undefined> {
  try {
    const l = await api.request<{ spec?: { holderIdentity?: string } }>('GET', objectPath(resourceTypes.Lease, ns, lease));
    return l.spec?.holderIdentity ?? '';
  } catch {
    return undefined;
  }
}

const reconcilersOf = (key: string) => new Set(lines.filter((l) => l.event === 'start' && l.key === key).map((l) => l.pid));

void test('two replicas: exactly one reconciles; after SIGKILL the standby takes over within the lease duration', async (t) => {
  const ns = `le-${process.pid}`;
  await namespace(ns);
  const a = startOperator(ns, 'le-kill');
  const b = startOperator(ns, 'le-kill');
  await waitFor('both ready', () => [a, b].every((op) => lines.some((l) => l.pid === op.pid && l.event === 'ready')), 30_000);
  const leaderId = await waitFor('a leader', async () => (await holder(ns, 'le-kill')) || undefined, 15_000);
  const leader = leaderId === `entry-${a.pid}` ? a : b;
  const standby = leader === a ? b : a;

  for (let i = 0; i < 5; i++) await createWidget(ns, `w${i}`, { value: i });
  for (let i = 0; i < 5; i++) await waitFor(`w${i} reconciled`, () => reconcilersOf(`${ns}/w${i}`).size > 0);
  await new Promise((r) => setTimeout(r, 500));
  for (let i = 0; i < 5; i++) assert.deepEqual([...reconcilersOf(`${ns}/w${i}`)], [leader.pid], 'only the leader reconciles');

  leader.child.kill('SIGKILL');
  const killedAt = Date.now();
  await leader.exited;
  await createWidget(ns, 'after-kill', { value: 1 });
  await waitFor('standby reconciles', () => reconcilersOf(`${ns}/after-kill`).has(standby.pid), 20_000);
  const tookOver = (lines.find((l) => l.key === `${ns}/after-kill` && l.event === 'start')?.at ?? Infinity) - killedAt;
  t.diagnostic(`failover after SIGKILL: ${tookOver} ms (lease ${leaseMs} ms)`);
  // Lease duration, plus one retry period and process scheduling slack on a shared machine.
  assert.ok(tookOver <= leaseMs + leaseMs / 8 + 1500, `failover took ${tookOver} ms (lease ${leaseMs} ms)`);
  assert.equal(await holder(ns, 'le-kill'), `entry-${standby.pid}`);
  standby.child.kill('SIGTERM');
  assert.deepEqual(await standby.exited, { code: 0, signal: null });
});

void test('SIGTERM drains the in-flight reconcile, releases the lease, and the standby takes over at once', async (t) => {
  const ns = `term-${process.pid}`;
  await namespace(ns);
  const a = startOperator(ns, 'le-term');
  await waitFor('a leads', async () => (await holder(ns, 'le-term')) === `entry-${a.pid}`, 15_000);
  const b = startOperator(ns, 'le-term');
  await waitFor('b ready', () => lines.some((l) => l.pid === b.pid && l.event === 'ready'), 30_000);

  await createWidget(ns, 'slow', { value: 1, delayMs: 1500 });
  await waitFor('slow started on a', () => reconcilersOf(`${ns}/slow`).has(a.pid));
  a.child.kill('SIGTERM');
  const result = await a.exited;
  assert.deepEqual(result, { code: 0, signal: null });
  assert.ok(
    lines.some((l) => l.pid === a.pid && l.event === 'end' && l.key === `${ns}/slow`),
    'the in-flight reconcile finished before exit',
  );
  const stoppedAt = Date.now();
  await createWidget(ns, 'next', { value: 2 });
  await waitFor('b reconciles', () => reconcilersOf(`${ns}/next`).has(b.pid), 15_000);
  const tookOver = Date.now() - stoppedAt;
  t.diagnostic(`takeover after SIGTERM: ${tookOver} ms`);
  assert.ok(tookOver < leaseMs, `a released lease was taken in ${tookOver} ms, under the lease duration`);
  b.child.kill('SIGTERM');
  assert.deepEqual(await b.exited, { code: 0, signal: null });
  assert.equal(await holder(ns, 'le-term'), '', 'the last replica released the lease on SIGTERM');
});
