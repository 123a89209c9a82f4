// manifests/metric-names.json, the one list of metrics the rules and the dashboard may use,
// and the check of one PromQL expression against it.
import { readFileSync } from 'node:fs';
import { promqlNames } from './promql-names.ts';
import { repoPath } from './tools.ts';

export interface MetricInfo {
  type: 'counter' | 'gauge' | 'histogram';
  labels: string[];
}

export interface MetricCatalog {
  metrics: Record<string, MetricInfo>;
  throttledFlags: string[];
}

export function loadCatalog(): MetricCatalog {
  return JSON.parse(readFileSync(repoPath('manifests', 'metric-names.json'), 'utf8')) as MetricCatalog;
}

/** The catalog entry a series name belongs to (histogram series carry _bucket/_sum/_count). */
export function catalogEntry(catalog: MetricCatalog, series: string): { name: string; info: MetricInfo; bucket: boolean } | undefined {
  const direct = catalog.metrics[series];
  if (direct) return { name: series, info: direct, bucket: false };
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  const base = m ? catalog.metrics[m[1]!] : undefined;
  if (m && base?.type === 'histogram') return { name: m[1]!, info: base, bucket: m[2] === 'bucket' };
  return undefined;
}

/** Problems with one expression: unknown metrics, labels no metric in it has, unknown flags. */
export function checkExpr(catalog: MetricCatalog, expr: string): { problems: string[]; metrics: string[] } {
  const names = promqlNames(expr);
  const problems: string[] = [];
  const used: string[] = [];
  const labels = new Set<string>();
  for (const series of names.metrics) {
    const entry = catalogEntry(catalog, series);
    if (!entry) {
      problems.push(`unknown metric ${series}`);
      continue;
    }
    used.push(entry.name);
    for (const l of entry.info.labels) labels.add(l);
    if (entry.bucket) labels.add('le');
  }
  if (names.metrics.length === 0) problems.push('no metric in expression');
  for (const l of [...names.matchers.map((m) => m.label), ...names.groupingLabels]) {
    if (!labels.has(l)) problems.push(`label ${l} is on none of ${names.metrics.join(', ')}`);
  }
  for (const m of names.matchers.filter((x) => x.label === 'flag')) {
    const re = new RegExp(`^(?:${m.value})$`);
    const hits = catalog.throttledFlags.filter((f) => (m.op === '=' ? f === m.value : m.op === '=~' ? re.test(f) : true));
    if (hits.length === 0) problems.push(`flag matcher ${m.op}"${m.value}" matches no known flag`);
  }
  return { problems, metrics: used };
}
