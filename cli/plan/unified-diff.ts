// A unified diff (`diff -u` format) of two small texts, for `bramble plan`. Files bramble writes
// are a few kilobytes, so a plain longest-common-subsequence table is fast enough and exact.

export interface DiffInput {
  path: string;
  /** undefined: the file does not exist yet (shown as /dev/null). */
  before: string | undefined;
  after: string;
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

function editScript(a: string[], b: string[]): Op[] {
  const n = a.length;
  const m = b.length;
  // lcs[i][j] = length of the LCS of a[i..] and b[j..]
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ kind: ' ', line: a[i]!, a: i++, b: j++ });
    // Removals before additions, as diff -u prints a changed line.
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ kind: '-', line: a[i]!, a: i++, b: j });
    else ops.push({ kind: '+', line: b[j]!, a: i, b: j++ });
  }
  return ops;
}

function range(start: number, count: number): string {
  // diff -u: an empty range names the line before it.
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/** The diff text, or '' when the texts are equal. Ends with a newline when not empty. */
export function unifiedDiff(input: DiffInput): string {
  const before = input.before ?? '';
  if (input.before !== undefined && before === input.after) return '';
  const context = input.context ?? 3;
  const ops = editScript(splitLines(before), splitLines(input.after));
  const changed = ops.map((op, k) => (op.kind !== ' ' ? k : -1)).filter((k) => k >= 0);
  const out = [`--- ${input.before === undefined ? '/dev/null' : `a${input.path}`}`, `+++ b${input.path}`];
  let k = 0;
  while (k < changed.length) {
    const first = changed[k]!;
    let last = first;
    while (k + 1 < changed.length && changed[k + 1]! - last <= 2 * context) last = changed[++k]!;
    k++;
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length - 1, last + context);
    const hunk = ops.slice(from, to + 1);
    const aStart = hunk[0]!.a;
    const bStart = hunk[0]!.b;
    const aCount = hunk.filter((o) => o.kind !== '+').length;
    const bCount = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@`);
    for (const op of hunk) out.push(`${op.kind}${op.line}`);
  }
  const noNewline = (text: string) => text !== '' && !text.endsWith('\n');
  if (changed.length === 0 && input.before === undefined && input.after === '') out.push('(empty file)');
  if (noNewline(input.after) || (input.before !== undefined && noNewline(before))) out.push('\\ (a file above does not end in a newline)');
  return `${out.join('\n')}\n`;
}
