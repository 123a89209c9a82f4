// Splits an observe blob into its sections. A blob without the final `end` section was cut short
// (killed, truncated) and is rejected rather than read as "everything is absent"; a section
// longer than its bound (observe-frame.ts cuts it one byte past it on the Pi) is rejected by
// name. The blob is scanned for markers with indexOf and each section is a slice of it: no copy
// of the whole output, no array of its lines (16 MiB of newlines were 16 million strings).
import { markerOf } from './step-script.ts';
import { sectionLimitBytes } from './observe-frame.ts';

export type Sections = ReadonlyMap<string, string>;

export class IncompleteObserveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteObserveError';
  }
}

/** Sections over their bound (by name as the script named them): the observe is not used. */
export class ObserveOutputTooLargeError extends IncompleteObserveError {
  constructor(
    readonly sections: readonly string[],
    readonly limitBytes: number,
  ) {
    super(`observe output too large: ${sections.map((s) => `section ${s}`).join(', ')} over ${limitBytes} bytes`);
    this.name = 'ObserveOutputTooLargeError';
  }
}

/** `limits`: sections whose probe has its own bound (observe-frame.ts sectionLimits); others get sectionLimitBytes. */
export function parseSections(blob: string, nonce: string, limits: ReadonlyMap<string, number> = new Map()): Sections {
  const head = `${markerOf(nonce)} `;
  const separator = `\n${head}`;
  const out = new Map<string, string>();
  const tooLarge: string[] = [];
  const first = blob.indexOf(separator);
  let at = blob.startsWith(head) ? 0 : first < 0 ? -1 : first + 1;
  while (at >= 0) {
    const lineEnd = blob.indexOf('\n', at);
    const name = blob.slice(at + head.length, lineEnd < 0 ? blob.length : lineEnd).trimEnd();
    const next = lineEnd < 0 ? -1 : blob.indexOf(separator, lineEnd);
    const body = lineEnd < 0 ? '' : blob.slice(lineEnd + 1, next < 0 ? blob.length : next);
    if (body.length > (limits.get(name) ?? sectionLimitBytes)) tooLarge.push(name);
    else out.set(name, trimTrailingNewlines(body));
    at = next < 0 ? -1 : next + 1;
  }
  if (!out.has('end')) throw new IncompleteObserveError('observe output ended before its last section');
  if (tooLarge.length) throw new ObserveOutputTooLargeError(tooLarge, Math.max(...tooLarge.map((n) => limits.get(n) ?? sectionLimitBytes)));
  return out;
}

function trimTrailingNewlines(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 10) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** The section's text with device-tree NULs and surrounding blanks removed; undefined if empty. */
export function sectionText(sections: Sections, name: string): string | undefined {
  const text = sections.get(name)?.replaceAll('\0', '').trim();
  return text ? text : undefined;
}
