// The PrometheusRule's groups pass `promtool check rules`, fire when they should
// (`promtool test rules` with synthetic series), and use only metrics the operator exposes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkExpr, loadCatalog } from './metric-catalog.ts';
import { findObject, renderBase } from './render.ts';
import { repoPath, requireTool, run } from './tools.ts';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

function groups(): { name: string; rules: AlertRule[] }[] {
  const rule = findObject(renderBase().objects, 'PrometheusRule', 'bramble') as unknown as {
    spec: { groups: { name: string; rules: AlertRule[] }[] };
  };
  return rule.spec.groups;
}

function alerts(): AlertRule[] {
  return groups().flatMap((g) => g.rules);
}

function withRulesFile<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-rules-'));
  try {
    writeFileSync(join(dir, 'bramble-rules.yaml'), stringify({ groups: groups() }));
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void test('promtool check rules accepts the rule groups', () => {
  const promtool = requireTool('promtool', 'scripts/setup/40-prometheus.sh');
  withRulesFile((dir) => {
    const res = run(promtool, ['check', 'rules', join(dir, 'bramble-rules.yaml')]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`SUCCESS: ${alerts().length} rules found`));
  });
});

void test('the alerts fire on the series that should trigger them, and only those (promtool test rules)', () => {
  const promtool = requireTool('promtool', 'scripts/setup/40-prometheus.sh');
  withRulesFile((dir) => {
    copyFileSync(repoPath('test', 'manifests', 'fixtures', 'prometheus-rule-tests.yaml'), join(dir, 'tests.yaml'));
    const res = run(promtool, ['test', 'rules', join(dir, 'tests.yaml')]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, /SUCCESS/);
  });
});

void test('each concern that matters on Pis has an alert', () => {
  const exprs = alerts()
    .map((a) => a.expr)
    .join('\n');
  const required: [string, RegExp][] = [
    ['node unreachable', /bramble_node_up == 0/],
    ['under-voltage', /flag="under-voltage-now"/],
    ['throttled', /throttled-now/],
    ['temperature high', /bramble_node_temperature_celsius >/],
    ['Gluster heal pending', /bramble_gluster_heal_pending_entries > 0/],
    ['Slurm nodes down', /bramble_slurm_nodes\{state=~"[^"]*down/],
    ['MinIO unhealthy', /bramble_minio_healthy == 0/],
    ['reconcile errors', /controller_runtime_reconcile_errors_total/],
    ['power trouble since boot', /bramble_node_power_healthy == 0/],
    ['failing SD card or disk', /bramble_node_storage_healthy == 0/],
  ];
  for (const [concern, pattern] of required) assert.match(exprs, pattern, `no alert for ${concern}`);
});

void test('every alert uses known metrics and labels, waits before firing, and says what to do', () => {
  const catalog = loadCatalog();
  const names = new Set<string>();
  for (const a of alerts()) {
    assert.ok(!names.has(a.alert), `duplicate alert ${a.alert}`);
    names.add(a.alert);
    assert.deepEqual(checkExpr(catalog, a.expr).problems, [], `${a.alert}: ${a.expr}`);
    assert.match(a.for ?? '', /^\d+m$/, `${a.alert} needs a for: so one bad scrape does not page`);
    assert.ok(['warning', 'critical'].includes(a.labels?.severity ?? ''), `${a.alert} severity`);
    assert.ok(a.annotations?.summary && a.annotations.description, `${a.alert} summary and description`);
  }
});

/** GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens. */
function anchor(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\w\- ]/g, '')
    .replace(/ /g, '-');
}

/** The `## ` sections of a Markdown file by anchor, each with its text. */
function sections(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of readFileSync(repoPath(file), 'utf8').split(/^## /m).slice(1)) {
    const [heading, ...body] = part.split('\n');
    out.set(anchor(heading!), body.join('\n'));
  }
  return out;
}

void test('every alert has a runbook_url to its own docs/runbooks.md section, which says what it means and what to do', () => {
  const runbooks = sections('docs/runbooks.md');
  const troubleshooting = sections('docs/troubleshooting.md');
  for (const a of alerts()) {
    const url = a.annotations?.runbook_url ?? '';
    const m = /^https:\/\/github\.com\/bramble-dev\/bramble\/blob\/main\/docs\/runbooks\.md#(.+)$/.exec(url);
    assert.ok(m, `${a.alert}: runbook_url ${url}`);
    assert.equal(m[1], anchor(a.alert), `${a.alert} links its own section`);
    const body = runbooks.get(m[1]!);
    assert.ok(body, `docs/runbooks.md has a section ${a.alert}`);
    assert.match(body, /\*\*Means:\*\*[^]*\*\*Do:\*\*/, `${a.alert}'s runbook says what it means and what to do`);
  }
  assert.deepEqual(
    [...runbooks.keys()].sort(),
    alerts()
      .map((a) => anchor(a.alert))
      .sort(),
    'a runbook section per alert, none stale',
  );
  for (const m of readFileSync(repoPath('docs/runbooks.md'), 'utf8').matchAll(/\(troubleshooting\.md#([^)]+)\)/g)) {
    assert.ok(troubleshooting.has(m[1]!), `docs/runbooks.md links troubleshooting.md#${m[1]}, which has no such section`);
  }
  for (const topic of ['HostKeyMismatch', 'Under-voltage', 'A brick down', 'Munge key missing'])
    assert.ok(troubleshooting.has(anchor(topic)), `docs/troubleshooting.md: ${topic}`);
});
