// Just enough XML for `gluster --xml` output: elements without attributes we need to trust,
// no CDATA, no nesting of an element inside itself. A full parser is not worth a dependency here.
const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos);/g, (_m, e: string) => entities[e] ?? '');
}

/** The inner text of every `<tag …>…</tag>` in `xml`, in order (not nested in each other). */
export function elements(xml: string, tag: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${tag}(?:\\s[^>]*)?(?:/>|>([\\s\\S]*?)</${tag}>)`, 'g');
  for (const m of xml.matchAll(re)) out.push(m[1] ?? '');
  return out;
}

/** The decoded text of the first `<tag>` in `xml`, or undefined when there is none. */
export function text(xml: string, tag: string): string | undefined {
  const first = elements(xml, tag)[0];
  return first === undefined ? undefined : decode(first.replace(/<[^>]*>[\s\S]*?<\/[^>]*>|<[^>]*\/>/g, '')).trim();
}

/** An integer child, or undefined when absent or not a number. */
export function integer(xml: string, tag: string): number | undefined {
  const t = text(xml, tag);
  if (t === undefined || !/^-?\d+$/.test(t)) return undefined;
  return Number(t);
}
