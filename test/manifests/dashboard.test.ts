// The Grafana dashboard: one JSON file, shipped unchanged in the sidecar ConfigMap; every
// panel on the templated Prometheus datasource; every query parses (promtool) and names only
// metrics and labels the operator exposes; the sections an owner needs are there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { checkExpr, loadCatalog } from './metric-catalog.ts';
import { findObject, renderBase } from './render.ts';
import { repoPath, requireTool, run } from './tools.ts';

interface Target {
  refId: string;
  expr: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; datasource?: { uid: string } }[] };
}

const dashboardPath = repoPath('manifests', 'grafana', 'bramble-dashboard.json');
const dashboardText = readFileSync(dashboardPath, 'utf8');
const dashboard = JSON.parse(dashboardText) as Dashboard;
const queryPanels = dashboard.panels.filter((p) => p.type !== 'row');

/** Grafana variables replaced by values that keep the query valid PromQL. */
function withVariablesResolved(expr: string): string {
  return expr.replaceAll('$namespace', '.*').replaceAll('$__rate_interval', '5m').replaceAll('$__interval', '1m');
}

void test('the ConfigMap carries the sidecar label and exactly the dashboard file', () => {
  const cm = findObject(renderBase().objects, 'ConfigMap', 'bramble-grafana-dashboard') as unknown as {
    metadata: { labels: Record<string, string> };
    data: Record<string, string>;
  };
  assert.equal(cm.metadata.labels.grafana_dashboard, '1');
  assert.deepEqual(Object.keys(cm.data), ['bramble-dashboard.json']);
  assert.equal(cm.data['bramble-dashboard.json'], dashboardText);
});

void test('the datasource is a template variable, used by every panel and query', () => {
  const ds = dashboard.templating.list.find((v) => v.name === 'DS_PROMETHEUS');
  assert.ok(ds, 'DS_PROMETHEUS variable');
  assert.equal(ds.type, 'datasource');
  assert.equal(ds.query, 'prometheus');
  for (const v of dashboard.templating.list.filter((x) => x.type === 'query'))
    assert.equal(v.datasource?.uid, '${DS_PROMETHEUS}', `variable ${v.name}`);
  assert.ok(queryPanels.length >= 15);
  for (const p of queryPanels) {
    assert.equal(p.datasource?.uid, '${DS_PROMETHEUS}', `panel ${p.title}`);
    assert.ok(p.targets && p.targets.length > 0, `panel ${p.title} has queries`);
    for (const t of p.targets) assert.equal(t.datasource?.uid, '${DS_PROMETHEUS}', `panel ${p.title} ${t.refId}`);
  }
});

void test('every query names only metrics and labels from metric-names.json', () => {
  const catalog = loadCatalog();
  for (const p of queryPanels) {
    for (const t of p.targets ?? []) assert.deepEqual(checkExpr(catalog, t.expr).problems, [], `${p.title}: ${t.expr}`);
  }
});

void test('every query parses as PromQL (promtool check rules on them as recording rules)', () => {
  const promtool = requireTool('promtool', 'scripts/setup/40-prometheus.sh');
  const rules = queryPanels.flatMap((p) =>
    (p.targets ?? []).map((t) => ({ record: `dashboard:panel${p.id}:${t.refId}`, expr: withVariablesResolved(t.expr) })),
  );
  const dir = mkdtempSync(join(tmpdir(), 'bramble-dashboard-'));
  try {
    writeFileSync(join(dir, 'queries.yaml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
    const res = run(promtool, ['check', 'rules', join(dir, 'queries.yaml')]);
    assert.equal(res.status, 0, res.stdout + res.stderr);
    assert.match(res.stdout, new RegExp(`SUCCESS: ${rules.length} rules found`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the dashboard covers the fleet, Pi health, Slurm, Gluster, MinIO and the operator', () => {
  const rows = dashboard.panels.filter((p) => p.type === 'row').map((p) => p.title);
  assert.deepEqual(rows, ['Fleet', 'Pi health', 'Slurm', 'Gluster', 'MinIO', 'Operator']);
  const catalog = loadCatalog();
  const shown = new Set(queryPanels.flatMap((p) => (p.targets ?? []).flatMap((t) => checkExpr(catalog, t.expr).metrics)));
  const missing = Object.keys(catalog.metrics).filter((m) => !shown.has(m));
  assert.deepEqual(missing, [], 'every catalogued metric has a panel');
});

void test('panels sit inside the 24-column grid without overlapping', () => {
  const cells = new Map<string, string>();
  for (const p of dashboard.panels) {
    const { x, y, w, h } = p.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `${p.title} gridPos ${JSON.stringify(p.gridPos)}`);
    for (let i = x; i < x + w; i++) {
      for (let j = y; j < y + h; j++) {
        const key = `${i},${j}`;
        assert.ok(!cells.has(key), `${p.title} overlaps ${cells.get(key)}`);
        cells.set(key, p.title);
      }
    }
  }
  assert.equal(new Set(dashboard.panels.map((p) => p.id)).size, dashboard.panels.length, 'panel ids are unique');
});
