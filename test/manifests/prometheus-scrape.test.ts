// A real Prometheus (Debian's `prometheus`) scrapes a running `bramble run` (embedded control
// plane, leader election on, one PiNode whose Pi is down: a closed loopback port) and loads
// the PrometheusRule's groups. Every dashboard query and every alert must parse in it, and
// every panel whose metrics have series must return data. test/e2e/prometheus-fleet.test.ts
// extends this to a converged fleet of every kind, where Slurm, Gluster and MinIO have data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { labelValuesVariables, panelQueries, resolveVariables } from './dashboard-queries.ts';
import { freePort } from '../free-port.ts';
import {
  hasData,
  prometheusRuleGroups,
  start,
  startPrometheus,
  staticScrape,
  stop,
  until,
  type PrometheusServer,
  type Started,
} from './prometheus-server.ts';
import { promqlNames } from './promql-names.ts';
import { kubectlPath, repoPath, requireTool, run } from './tools.ts';

void test(
  'Prometheus scrapes the operator; every panel and alert query parses, panels with series return data',
  { timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bramble-prom-'));
    let operator: Started | undefined;
    let prometheus: PrometheusServer | undefined;
    try {
      const [api, health, metrics, closed] = [await freePort(), await freePort(), await freePort(), await freePort()];
      const dataDir = join(dir, 'bramble');
      mkdirSync(dataDir);
      mkdirSync(join(dir, 'prometheus'));
      operator = start(
        process.execPath,
        [
          repoPath('bin', 'bramble.js'),
          'run',
          '--data-dir',
          dataDir,
          '--listen',
          `127.0.0.1:${api}`,
          '--leader-elect',
          '--leader-election-namespace',
          'bramble-system',
          '--health-probe-bind-address',
          `127.0.0.1:${health}`,
          '--metrics-bind-address',
          `127.0.0.1:${metrics}`,
        ],
        dir,
        { PATH: process.env.PATH, HOME: dir },
      );
      await until(
        'bramble /readyz',
        90_000,
        async () => (await fetch(`http://127.0.0.1:${health}/readyz`)).status === 200,
        operator.output,
      );

      const key = join(dir, 'id');
      assert.equal(run(requireTool('ssh-keygen', 'scripts/setup/20-sshd.sh'), ['-q', '-t', 'ed25519', '-N', '', '-f', key]).status, 0);
      // The Lease's namespace, as the kustomize base creates it: until it exists the operator
      // cannot lead, and a standby exports no per-object gauges (and reconciles nothing).
      const objects = [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bramble-system' } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lab' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'key', namespace: 'lab' },
          type: 'kubernetes.io/ssh-auth',
          stringData: { 'ssh-privatekey': readFileSync(key, 'utf8') },
        },
        {
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: { name: 'pi1', namespace: 'lab' },
          spec: {
            address: '127.0.0.1',
            port: closed,
            ssh: { user: 'pi', privateKeySecretRef: { name: 'key' }, hostKeyPolicy: 'TrustOnFirstUse' },
          },
        },
      ];
      const applied = run(kubectlPath(), ['--kubeconfig', join(dataDir, 'kubeconfig'), 'apply', '-f', '-'], {
        input: objects.map((o) => stringify(o)).join('---\n'),
      });
      assert.equal(applied.status, 0, applied.stderr);

      prometheus = await startPrometheus(join(dir, 'prometheus'), staticScrape([`127.0.0.1:${metrics}`]), 1);
      const server = prometheus;
      // Several scrapes after the PiNode was reconciled, so rate() and friends have samples.
      await until(
        'Prometheus has scraped the operator and seen the PiNode',
        60_000,
        async () => hasData(await server.query('count_over_time(bramble_node_up{pinode="pi1"}[1m]) >= 3')),
        () => `${server.output()}\n${operator!.output()}`,
      );

      const values: Record<string, string[]> = { __rate_interval: ['1m'], __interval: ['15s'], __range: ['5m'] };
      for (const v of labelValuesVariables()) values[v.name] = await server.labelValues(v.metric, v.label);
      assert.deepEqual(values.namespace, ['lab']);
      const hasSeries = new Map<string, boolean>();
      const seriesExist = async (expr: string) => {
        for (const m of promqlNames(expr).metrics) {
          if (!hasSeries.has(m)) hasSeries.set(m, hasData(await server.query(`count(${m})`)));
          if (!hasSeries.get(m)) return false;
        }
        return true;
      };
      let withData = 0;
      for (const { panel, expr } of panelQueries()) {
        const r = await server.query(resolveVariables(expr, values));
        assert.equal(r.status, 'success', `${panel}: ${expr}: ${r.error}`);
        if (await seriesExist(expr)) {
          // Series, not numbers: with the Pi down no SSH command ever ran, so the SSH latency
          // quantile is NaN here (the fleet test requires numbers).
          assert.ok((r.data?.result.length ?? 0) > 0, `${panel}: ${expr} returned no data though its metrics have series`);
          withData += 1;
        }
      }
      process.stderr.write(`prometheus-scrape: ${withData} panel queries had series and returned data\n`);
      assert.ok(withData >= 8, `only ${withData} panel queries had series to check`);
      for (const a of prometheusRuleGroups().flatMap((g) => g.rules)) {
        const r = await server.query(a.expr);
        assert.equal(r.status, 'success', `${a.alert}: ${r.error}`);
      }
      // The rule file loaded, and the down Pi is already pending as BramblePiUnreachable.
      const alerts = (await (await fetch(`${server.base}/api/v1/alerts`)).json()) as {
        data: { alerts: { labels: { alertname: string; pinode?: string } }[] };
      };
      assert.ok(
        alerts.data.alerts.some((a) => a.labels.alertname === 'BramblePiUnreachable' && a.labels.pinode === 'pi1'),
        JSON.stringify(alerts.data.alerts),
      );
    } finally {
      await prometheus?.stop();
      await stop(operator?.child);
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
