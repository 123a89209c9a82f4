// The subset of kubectl's JSONPath that CRD printer columns use: `.a.b`, `.a[0]`, `.a['x.y']`
// and a filter `.conditions[?(@.type=="Ready")].status`.

function step(values: unknown[], token: string): unknown[] {
  const out: unknown[] = [];
  const filter = /^\?\(@\.([A-Za-z0-9_]+)\s*==\s*["']([^"']*)["']\)$/.exec(token);
  for (const v of values) {
    if (v === null || typeof v !== 'object') continue;
    if (filter) {
      if (!Array.isArray(v)) continue;
      for (const item of v) {
        if (item && typeof item === 'object' && String((item as Record<string, unknown>)[filter[1]!]) === filter[2]) out.push(item);
      }
    } else if (token === '*') {
      out.push(...(Array.isArray(v) ? v : Object.values(v)));
    } else if (/^-?\d+$/.test(token) && Array.isArray(v)) {
      const i = Number(token);
      const item = v[i < 0 ? v.length + i : i];
      if (item !== undefined) out.push(item);
    } else if (!Array.isArray(v) && token in v) {
      out.push((v as Record<string, unknown>)[token]);
    }
  }
  return out;
}

function tokenize(path: string): string[] {
  const tokens: string[] = [];
  const re = /\.([A-Za-z0-9_$-]+)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[([^\]]+)\]/g;
  const body = path.replace(/^\{|\}$/g, '').replace(/^\$/, '');
  let m: RegExpExecArray | null;
  while ((m = re.exec(body)) !== null) tokens.push(m[1] ?? m[2] ?? m[3] ?? m[4]!.trim());
  return tokens;
}

/** Every value the path selects (an empty array when it selects nothing). */
export function evaluateJsonPath(obj: unknown, path: string): unknown[] {
  let values: unknown[] = [obj];
  for (const token of tokenize(path)) values = step(values, token);
  return values;
}
