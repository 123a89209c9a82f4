// Label and field selectors as the `labelSelector` / `fieldSelector` query parameters carry
// them (k8s.io/apimachinery/pkg/labels and pkg/fields string forms).
import { badRequest } from './errors.ts';
import type { KubeObject } from './types.ts';

type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: '=' | '!='; values: [string] }
  | { key: string; op: 'exists' | '!exists' };

export type Matcher = (obj: KubeObject) => boolean;

/** Splits on commas that are not inside a `(…)` value set. */
function splitTerms(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((t) => t.trim()).filter((t) => t !== '');
}

function parseLabelTerm(term: string): Requirement {
  let m = /^([A-Za-z0-9_./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (m) {
    const values = m[3]!
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v !== '');
    return { key: m[1]!, op: m[2] as 'in' | 'notin', values };
  }
  m = /^([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$/.exec(term);
  if (m) return { key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] };
  m = /^(!?)\s*([A-Za-z0-9_./-]+)$/.exec(term);
  if (m) return { key: m[2]!, op: m[1] ? '!exists' : 'exists' };
  throw badRequest(`unable to parse requirement: found '${term}', expected: valid label selector`);
}

function matches(req: Requirement, value: string | undefined): boolean {
  switch (req.op) {
    case 'exists':
      return value !== undefined;
    case '!exists':
      return value === undefined;
    case '=':
      return value === req.values[0];
    case '!=':
      return value !== req.values[0];
    case 'in':
      return value !== undefined && req.values.includes(value);
    case 'notin':
      return value === undefined || !req.values.includes(value);
  }
}

export function parseLabelSelector(text: string | null): Matcher {
  if (!text) return () => true;
  const reqs = splitTerms(text).map(parseLabelTerm);
  return (obj) => reqs.every((r) => matches(r, obj.metadata.labels?.[r.key]));
}

/** Field values a selector may name, per served kind; Kubernetes refuses any other field. */
function fieldValue(obj: KubeObject, field: string): string | undefined {
  switch (field) {
    case 'metadata.name':
      return obj.metadata.name ?? '';
    case 'metadata.namespace':
      return obj.metadata.namespace ?? '';
    case 'status.phase':
      return String((obj.status as { phase?: string } | undefined)?.phase ?? '');
    case 'type':
      return typeof obj.type === 'string' ? obj.type : '';
    default:
      if (field.startsWith('involvedObject.') || field === 'reason' || field === 'source') {
        const parts = field.split('.');
        let cur: unknown = obj;
        for (const p of parts) cur = (cur as Record<string, unknown> | undefined)?.[p];
        return typeof cur === 'string' ? cur : '';
      }
      return undefined;
  }
}

export function parseFieldSelector(text: string | null, kind: string): Matcher {
  if (!text) return () => true;
  const reqs = splitTerms(text).map((term) => {
    const m = /^([A-Za-z0-9_.]+)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { field: m[1]!, negate: m[2] === '!=', value: m[3]! };
  });
  const probe: KubeObject = { metadata: {} };
  for (const r of reqs) {
    if (fieldValue(probe, r.field) === undefined) {
      throw badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
  }
  void kind;
  return (obj) => reqs.every((r) => (fieldValue(obj, r.field) === r.value) !== r.negate);
}
