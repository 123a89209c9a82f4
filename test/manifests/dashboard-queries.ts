// The Grafana dashboard's queries as Grafana would send them to Prometheus: every panel target,
// with the dashboard's template variables and Grafana's built-in interval variables replaced.
import { readFileSync } from 'node:fs';
import { repoPath } from './tools.ts';

export interface PanelQuery {
  panel: string;
  /** The target's expression as written in the dashboard. */
  expr: string;
}

interface Dashboard {
  panels: { title: string; type: string; targets?: { expr: string }[] }[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}

function dashboard(): Dashboard {
  return JSON.parse(readFileSync(repoPath('manifests', 'grafana', 'bramble-dashboard.json'), 'utf8')) as Dashboard;
}

export function panelQueries(): PanelQuery[] {
  return dashboard().panels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })));
}

/** The dashboard's query variables, each as the metric and label of its `label_values(metric, label)`. */
export function labelValuesVariables(): { name: string; metric: string; label: string }[] {
  return dashboard()
    .templating.list.filter((v) => v.type === 'query')
    .map((v) => {
      const m = /^label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*,\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(v.definition ?? '');
      if (!m) throw new Error(`variable ${v.name}: only label_values(metric, label) is understood, got ${v.definition}`);
      return { name: v.name, metric: m[1]!, label: m[2]! };
    });
}

/**
 * Replaces `$name` / `${name}` as Grafana does for a Prometheus datasource: one value as itself,
 * several as a regex alternation. An unknown variable is an error, so a query cannot reach
 * Prometheus with a `$` Grafana would have replaced. Values are label values such as namespace
 * names (DNS labels); anything that would need regex escaping is refused rather than escaped.
 */
export function resolveVariables(expr: string, values: Record<string, string[]>): string {
  return expr.replace(
    /\$(?:\{([a-zA-Z_][a-zA-Z0-9_]*)\}|([a-zA-Z_][a-zA-Z0-9_]*))/g,
    (all, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      const v = values[name];
      if (!v || v.length === 0) throw new Error(`no value for Grafana variable ${all} in ${expr}`);
      const plain = /^[a-zA-Z0-9_-]+$/;
      if (v.some((x) => !plain.test(x))) throw new Error(`Grafana variable ${all}: values need escaping: ${v.join(', ')}`);
      return v.length === 1 ? v[0]! : `(${v.join('|')})`;
    },
  );
}
