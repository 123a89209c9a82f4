// The Helm chart (charts/bramble/): generated from the kustomize base and unchanged since
// (`npm run gen:chart`); `helm lint` and `helm template` pass with every toggle on and off; every
// rendered object validates against the Kubernetes / Prometheus Operator schemas the base is
// checked against; the chart renders exactly the operator objects the base renders; its values
// take effect; the k3s HelmChart example's values render; and the base still renders without
// its monitoring component.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateChart, listFiles } from '../../charts/generate.ts';
import { validateObject } from './kube-schemas.ts';
import { kustomize, parseObjects, renderBase, type KubeObject } from './render.ts';
import { helmPath, repoPath, run } from './tools.ts';

const chart = repoPath('charts', 'bramble');
const MONITORING = ['serviceMonitor', 'prometheusRule', 'dashboard'];

function helm(args: string[], input?: string): string {
  const res = run(helmPath(), args, { ...(input !== undefined ? { input } : {}) });
  assert.equal(res.status, 0, `helm ${args.join(' ')}:\n${res.stdout}${res.stderr}`);
  return res.stdout;
}

/** `helm template` of the chart into bramble-system, CRDs included, with `--set` pairs. */
function template(set: Record<string, string | number | boolean> = {}, valuesFile?: string): KubeObject[] {
  const sets = Object.entries(set).flatMap(([k, v]) => ['--set', `${k}=${String(v)}`]);
  return parseObjects(
    helm([
      'template',
      'bramble',
      chart,
      '--namespace',
      'bramble-system',
      '--include-crds',
      ...sets,
      ...(valuesFile ? ['-f', valuesFile] : []),
    ]),
  );
}

const key = (o: KubeObject): string => `${o.kind}/${o.metadata.name}`;
const toggled = (on: boolean): Record<string, boolean> => Object.fromEntries(MONITORING.map((m) => [`${m}.enabled`, on]));

void test('the chart on disk is what npm run gen:chart makes of the kustomize base', () => {
  const generated = generateChart();
  assert.deepEqual(listFiles(chart).sort(), [...generated.keys()].sort(), 'the same files; run npm run gen:chart');
  for (const [path, text] of generated)
    assert.equal(readFileSync(join(chart, path), 'utf8'), text, `charts/bramble/${path} is stale; run npm run gen:chart`);
});

void test('helm lint passes with the monitoring toggles on and off', () => {
  for (const on of [false, true]) {
    const sets = Object.entries(toggled(on)).flatMap(([k, v]) => ['--set', `${k}=${v}`]);
    const out = helm(['lint', '--strict', chart, ...sets]);
    assert.match(out, /1 chart\(s\) linted, 0 chart\(s\) failed/);
  }
});

void test('helm template with every toggle on and off: each rendered object validates against its schema, and the toggles decide the monitoring objects', async () => {
  const off = template(toggled(false));
  const on = template(toggled(true));
  const monitoringKeys = ['ServiceMonitor/bramble', 'PrometheusRule/bramble', 'ConfigMap/bramble-grafana-dashboard'];
  assert.deepEqual(
    off.map(key).filter((k) => monitoringKeys.includes(k)),
    [],
  );
  assert.deepEqual(
    on
      .map(key)
      .filter((k) => monitoringKeys.includes(k))
      .sort(),
    [...monitoringKeys].sort(),
  );
  for (const [i, name] of MONITORING.entries()) {
    const only = template({ ...toggled(false), [`${name}.enabled`]: true });
    assert.deepEqual(
      only.map(key).filter((k) => monitoringKeys.includes(k)),
      [monitoringKeys[i]],
      `${name}.enabled alone`,
    );
  }
  for (const o of [...off, ...on]) await validateObject(o);
});

void test('the chart renders the operator objects the kustomize base renders, field for field', () => {
  const base = renderBase().objects.filter((o) => o.kind !== 'Namespace');
  const fromChart = template(toggled(true));
  const byKey = (list: KubeObject[]) => new Map(list.map((o) => [key(o), o]));
  assert.deepEqual([...byKey(fromChart).keys()].sort(), [...byKey(base).keys()].sort());
  for (const [k, o] of byKey(base)) assert.deepEqual(byKey(fromChart).get(k), o, `${k} differs between the chart and the base`);
});

void test('values take effect: image, replicas, resources, nodeSelector and tolerations for running on a Pi', () => {
  const objects = template({
    'image.repository': 'registry.lan/bramble',
    'image.tag': 'dev',
    replicaCount: 1,
    'resources.limits.memory': '300Mi',
    'nodeSelector.kubernetes\\.io/arch': 'arm64',
    'tolerations[0].key': 'node-role.kubernetes.io/control-plane',
    'tolerations[0].operator': 'Exists',
  });
  const deployment = objects.find((o) => o.kind === 'Deployment')!;
  const spec = deployment.spec as {
    replicas: number;
    template: {
      spec: { nodeSelector?: unknown; tolerations?: unknown; containers: { image: string; resources: { limits: { memory: string } } }[] };
    };
  };
  assert.equal(spec.replicas, 1);
  assert.equal(spec.template.spec.containers[0]!.image, 'registry.lan/bramble:dev');
  assert.equal(spec.template.spec.containers[0]!.resources.limits.memory, '300Mi');
  assert.deepEqual(spec.template.spec.nodeSelector, { 'kubernetes.io/arch': 'arm64' });
  assert.deepEqual(spec.template.spec.tolerations, [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }]);
  const defaults = template().find((o) => o.kind === 'Deployment')!.spec as typeof spec;
  assert.equal(
    defaults.template.spec.containers[0]!.image,
    `ghcr.io/bramble-dev/bramble:${(JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version}`,
  );
  assert.equal(defaults.template.spec.nodeSelector, undefined);
});

void test('the k3s HelmChart example installs this chart with values it knows', async () => {
  const example = parse(readFileSync(repoPath('examples', 'k3s', 'helmchart.yaml'), 'utf8')) as {
    apiVersion: string;
    kind: string;
    spec: { chart: string; targetNamespace: string; valuesContent: string };
  };
  assert.equal(`${example.apiVersion} ${example.kind}`, 'helm.cattle.io/v1 HelmChart');
  assert.match(example.spec.chart, /bramble$/);
  const defaults = parse(readFileSync(join(chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const values = parse(example.spec.valuesContent) as Record<string, unknown>;
  for (const k of Object.keys(values)) assert.ok(k in defaults, `valuesContent sets ${k}, which the chart does not have`);
  const dir = mkdtempSync(join(tmpdir(), 'bramble-k3s-values-'));
  try {
    writeFileSync(join(dir, 'values.yaml'), example.spec.valuesContent);
    const objects = template({}, join(dir, 'values.yaml'));
    for (const o of objects) await validateObject(o);
    assert.ok(objects.some((o) => o.kind === 'ServiceMonitor'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('the kustomize base renders without its monitoring component, leaving out only the Prometheus Operator objects', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-no-monitoring-'));
  try {
    cpSync(repoPath('manifests'), join(dir, 'manifests'), { recursive: true });
    cpSync(repoPath('crds'), join(dir, 'crds'), { recursive: true });
    const file = join(dir, 'manifests', 'kustomization.yaml');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^components:\n {2}- monitoring\n/m);
    writeFileSync(file, text.replace(/^components:\n {2}- monitoring\n/m, ''));
    const without = parseObjects(kustomize(join(dir, 'manifests'))).map(key);
    const all = renderBase().objects.map(key);
    assert.deepEqual(all.filter((k) => !without.includes(k)).sort(), ['PrometheusRule/bramble', 'ServiceMonitor/bramble']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
