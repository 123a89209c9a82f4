// A real Prometheus (Debian's `prometheus`) for the tests that scrape a running operator: it is
// given the scrape targets and the PrometheusRule's groups, and is queried over its HTTP API.
// Both the single-operator scrape test and the end-to-end fleet test use it, so the two agree on
// how the server is configured and what "a query returned data" means.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findObject, renderBase } from './render.ts';
import { requireTool } from './tools.ts';
import { freePort } from '../free-port.ts';

export interface Started {
  child: ChildProcess;
  output: () => string;
}

/** Starts a process whose stdout and stderr are kept for failure messages. */
export function start(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Started {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/** Polls `check` until it holds; on timeout the failure carries `diagnostics()` (process output). */
export async function until(
  what: string,
  deadlineMs: number,
  check: () => Promise<boolean>,
  diagnostics: () => string | Promise<string>,
): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < deadlineMs) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${what} within ${deadlineMs / 1000} s:\n${await diagnostics()}`);
}

export interface QueryResult {
  status: string;
  error?: string;
  data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

export async function query(base: string, expr: string): Promise<QueryResult> {
  const res = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(expr)}`, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as QueryResult;
}

/**
 * Whether an instant query returned data: at least one series whose value is a number. A
 * histogram_quantile over buckets that saw no observations yields NaN series — that is a query
 * that has nothing to show, not data.
 */
export function hasData(r: QueryResult): boolean {
  return (r.data?.result ?? []).some((s) => !Number.isNaN(Number(s.value[1])));
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
}

/** The PrometheusRule's groups exactly as `kubectl apply -k manifests/` would ship them. */
export function prometheusRuleGroups(): { name: string; rules: AlertRule[] }[] {
  const rule = findObject(renderBase().objects, 'PrometheusRule', 'bramble') as unknown as {
    spec: { groups: { name: string; rules: AlertRule[] }[] };
  };
  return rule.spec.groups;
}

/** One scrape job of Prometheus's configuration. */
export type ScrapeConfig = Record<string, unknown>;

/** A plain job scraping `targets` as they are (no target labels beyond job and instance). */
export function staticScrape(targets: string[]): ScrapeConfig {
  return { job_name: 'bramble', static_configs: [{ targets }] };
}

/** An operator pod the ServiceMonitor's Service selects: where its metrics port listens. */
export interface OperatorPod {
  pod: string;
  address: string;
}

/**
 * The scrape job the Prometheus Operator generates for the shipped ServiceMonitor (first
 * endpoint), with the pods' addresses in place of Kubernetes service discovery: the target
 * labels its relabelling attaches (namespace, service, pod, container, endpoint, job =
 * the Service's name), and honor_labels as the ServiceMonitor sets it. Scraping through this
 * is what makes a missing honorLabels or doubled series across replicas visible.
 */
export function serviceMonitorScrape(pods: OperatorPod[]): ScrapeConfig {
  const objects = renderBase().objects;
  const monitor = findObject(objects, 'ServiceMonitor', 'bramble') as unknown as {
    metadata: { name: string; namespace: string };
    spec: {
      selector: { matchLabels: Record<string, string> };
      endpoints: { port: string; path?: string; honorLabels?: boolean; scheme?: string }[];
    };
  };
  const endpoint = monitor.spec.endpoints[0]!;
  const service = objects.find(
    (o) => o.kind === 'Service' && Object.entries(monitor.spec.selector.matchLabels).every(([k, v]) => o.metadata.labels?.[k] === v),
  );
  assert.ok(service, 'the ServiceMonitor selects a Service of the base');
  const deployment = findObject(objects, 'Deployment', 'bramble') as unknown as {
    spec: { template: { spec: { containers: { name: string }[] } } };
  };
  const namespace = monitor.metadata.namespace;
  return {
    job_name: `serviceMonitor/${namespace}/${monitor.metadata.name}/0`,
    honor_labels: endpoint.honorLabels === true,
    metrics_path: endpoint.path ?? '/metrics',
    scheme: endpoint.scheme ?? 'http',
    static_configs: pods.map((p) => ({
      targets: [p.address],
      labels: {
        namespace,
        service: service.metadata.name,
        pod: p.pod,
        container: deployment.spec.template.spec.containers[0]!.name,
        endpoint: endpoint.port,
        job: service.metadata.name,
      },
    })),
  };
}

export interface PrometheusServer {
  base: string;
  output: () => string;
  query: (expr: string) => Promise<QueryResult>;
  /** The values `label` takes on `metric`'s series, as Grafana's `label_values(metric, label)`. */
  labelValues: (metric: string, label: string) => Promise<string[]>;
  stop: () => Promise<void>;
}

/**
 * Starts Prometheus in `dir` with one scrape job every `scrapeSeconds` and evaluating the
 * PrometheusRule's groups at the same interval (so alerts go pending within the test's time).
 */
export async function startPrometheus(
  dir: string,
  scrape: ScrapeConfig,
  scrapeSeconds: number,
  /** The shipped groups unless a test must change them (a shorter `for:` to see an alert fire in time). */
  groups: { name: string; rules: AlertRule[] }[] = prometheusRuleGroups(),
): Promise<PrometheusServer> {
  const bin = requireTool('prometheus', 'scripts/setup/40-prometheus.sh');
  const port = await freePort();
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  writeFileSync(
    join(dir, 'prometheus.yaml'),
    stringify({
      global: { scrape_interval: `${scrapeSeconds}s`, evaluation_interval: `${scrapeSeconds}s` },
      rule_files: [join(dir, 'rules.yaml')],
      scrape_configs: [scrape],
    }),
  );
  const tsdb = join(dir, 'tsdb');
  mkdirSync(tsdb);
  const proc = start(
    bin,
    [
      `--config.file=${join(dir, 'prometheus.yaml')}`,
      `--storage.tsdb.path=${tsdb}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--storage.tsdb.retention.time=1h',
    ],
    dir,
    { PATH: process.env.PATH, HOME: dir },
  );
  const base = `http://127.0.0.1:${port}`;
  await until('Prometheus ready', 60_000, async () => (await fetch(`${base}/-/ready`)).status === 200, proc.output);
  const labelValues = async (metric: string, label: string): Promise<string[]> => {
    const res = await fetch(`${base}/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric)}`, {
      signal: AbortSignal.timeout(10_000),
    });
    return ((await res.json()) as { data: string[] }).data;
  };
  return { base, output: proc.output, query: (expr) => query(base, expr), labelValues, stop: () => stop(proc.child) };
}
