// Pulls the metric names and label names out of a PromQL expression, so the rules and the
// dashboard can be checked against manifests/metric-names.json. A tokenizer, not a parser:
// promtool checks the syntax; this only has to find the names.
export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

export interface PromqlNames {
  metrics: string[];
  matchers: LabelMatcher[];
  /** Labels named in by/without/on/ignoring/group_left/group_right. */
  groupingLabels: string[];
}

const keywords = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

export function promqlNames(expr: string): PromqlNames {
  const matchers: LabelMatcher[] = [];
  const groupingLabels: string[] = [];
  let rest = expr.replace(/\{([^}]*)\}/g, (_all, body: string) => {
    for (const m of body.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g)) {
      matchers.push({ label: m[1]!, op: m[2] as LabelMatcher['op'], value: m[3]! });
    }
    return ' ';
  });
  rest = rest.replace(/"(?:[^"\\]|\\.)*"/g, ' ');
  rest = rest.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g, (_all, _kw: string, list: string) => {
    for (const l of list
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      groupingLabels.push(l);
    return ' ';
  });
  rest = rest.replace(/\[[^\]]*\]/g, ' ');
  // Numbers and durations (0.99, 5m, 1e3) before names, so `5m` does not leave an `m`.
  rest = rest.replace(/\b\d[\d.]*(?:e[+-]?\d+)?[a-z]*\b/gi, ' ');
  const metrics = new Set<string>();
  for (const m of rest.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    const name = m[1]!;
    if (m[2] !== undefined || keywords.has(name.toLowerCase())) continue;
    metrics.add(name);
  }
  return { metrics: [...metrics], matchers, groupingLabels };
}
