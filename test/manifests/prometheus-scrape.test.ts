// A real Prometheus (Debian's `prometheus`) scrapes a running `bramble run` (embedded control
// plane, leader election on, one PiNode whose Pi is down: a closed loopback port) and loads
// the PrometheusRule's groups. Every dashboard query and every alert must parse in it, and
// every panel whose metrics have series must return data. (With the simulated fleet, the
// end-to-end run extends this to Slurm, Gluster and MinIO data.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { promqlNames } from './promql-names.ts';
import { findObject, renderBase } from './render.ts';
import { kubectlPath, repoPath, requireTool, run } from './tools.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

async function query(base: string, expr: string): Promise<QueryResult> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as QueryResult;
}

function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

async function until(what: string, deadlineMs: number, check: () => Promise<boolean>, diagnostics: () => string): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${what} within ${deadlineMs / 1000} s:\n${diagnostics()}`);
}

void test('Prometheus scrapes the operator; every panel and alert query parses, panels with series return data', { timeout: 180_000 }, async () => {
  const prometheusBin = requireTool('prometheus', 'scripts/setup/40-prometheus.sh');
  const dir = mkdtempSync(join(tmpdir(), 'bramble-prom-'));
  let operator: ReturnType<typeof start> | undefined;
  let prometheus: ReturnType<typeof start> | undefined;
  try {
    const [api, health, metrics, promPort, closed] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const dataDir = join(dir, 'bramble');
    mkdirSync(dataDir);
    operator = start(process.execPath, [
      repoPath('bin', 'bramble.js'), 'run', '--data-dir', dataDir, '--listen', `127.0.0.1:${api}`,
      '--leader-elect', '--leader-election-namespace', 'bramble-system',
      '--health-probe-bind-address', `127.0.0.1:${health}`, '--metrics-bind-address', `127.0.0.1:${metrics}`,
    ], dir, { PATH: process.env.PATH, HOME: dir });
    await until('bramble /readyz', 90_000, async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).status === 200, operator.output);

    const key = join(dir, 'id');
    assert.equal(run(requireTool('ssh-keygen', 'scripts/setup/20-sshd.sh'), ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status, 0);
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'key', namespace: 'lab' }, type: 'kubernetes.io/ssh-auth', stringData: { 'ssh-privatekey': readFileSync(key, 'utf8') } },
      {
        apiVersion: 'bramble.dev/v1alpha1', kind: 'PiNode', metadata: { name: 'pi1', namespace: 'lab' },
        spec: { address: '127.0.0.1', port: closed, ssh: { user: 'pi', privateKeySecretRef: { name: 'key' }, hostKeyPolicy: 'TrustOnFirstUse' } },
      },
    ];
    const applied = run(kubectlPath(), ['--kubeconfig', join(dataDir, 'kubeconfig'), 'apply', '-f', '-'], { input: objects.map((o) => stringify(o)).join('---\n') });
    assert.equal(applied.status, 0, applied.stderr);

    const rule = findObject(renderBase().objects, 'PrometheusRule', 'bramble') as unknown as { spec: { groups: { rules: { alert: string; expr: string }[] }[] } };
    writeFileSync(join(dir, 'rules.yaml'), stringify({ groups: rule.spec.groups }));
    writeFileSync(join(dir, 'prometheus.yaml'), stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yaml')],
      scrape_configs: [{ job_name: 'bramble', static_configs: [{ targets: [`127.0.0.1:${metrics}`] }] }],
    }));
    const tsdb = join(dir, 'tsdb');
    mkdirSync(tsdb);
    chmodSync(dir, 0o755);
    prometheus = start(prometheusBin, [
      `--config.file=${join(dir, 'prometheus.yaml')}`, `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--storage.tsdb.retention.time=1h',
    ], dir, { PATH: process.env.PATH, HOME: dir });
    const base = `http://127.0.0.1:${promPort}`;
    // Several scrapes after the PiNode was reconciled, so rate() and friends have samples.
    await until('Prometheus has scraped the operator and seen the PiNode', 60_000, async () => {
      const r = await query(base, 'count_over_time(bramble_node_up{pinode="pi1"}[1m]) >= 3');
      return r.status === 'success' && (r.data?.result.length ?? 0) > 0;
    }, () => `${prometheus!.output()}\n${operator!.output()}`);

    const dashboard = JSON.parse(readFileSync(repoPath('manifests', 'grafana', 'bramble-dashboard.json'), 'utf8')) as {
      panels: { title: string; targets?: { expr: string }[] }[];
    };
    const resolve = (e: string) => e.replaceAll('$namespace', '.*');
    const hasSeries = new Map<string, boolean>();
    const seriesExist = async (expr: string) => {
      for (const m of promqlNames(expr).metrics) {
        if (!hasSeries.has(m)) hasSeries.set(m, ((await query(base, `count(${m})`)).data?.result.length ?? 0) > 0);
        if (!hasSeries.get(m)) return false;
      }
      return true;
    };
    let withData = 0;
    for (const p of dashboard.panels) {
      for (const t of p.targets ?? []) {
        const r = await query(base, resolve(t.expr));
        assert.equal(r.status, 'success', `${p.title}: ${t.expr}: ${r.error}`);
        if (await seriesExist(t.expr)) {
          assert.ok((r.data?.result.length ?? 0) > 0, `${p.title}: ${t.expr} returned no data though its metrics have series`);
          withData += 1;
        }
      }
    }
    process.stderr.write(`prometheus-scrape: ${withData} panel queries had series and returned data\n`);
    assert.ok(withData >= 8, `only ${withData} panel queries had series to check`);
    for (const a of rule.spec.groups.flatMap((g) => g.rules)) {
      const r = await query(base, a.expr);
      assert.equal(r.status, 'success', `${a.alert}: ${r.error}`);
    }
    // The rule file loaded, and the down Pi is already pending as BramblePiUnreachable.
    const alerts = (await (await fetch(`${base}/api/v1/alerts`)).json()) as { data: { alerts: { labels: { alertname: string; pinode?: string } }[] } };
    assert.ok(alerts.data.alerts.some((a) => a.labels.alertname === 'BramblePiUnreachable' && a.labels.pinode === 'pi1'), JSON.stringify(alerts.data.alerts));
  } finally {
    await stop(prometheus?.child);
    await stop(operator?.child);
    rmSync(dir, { recursive: true, force: true });
  }
});
