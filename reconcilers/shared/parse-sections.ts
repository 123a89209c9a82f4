// Splits an observe blob into its sections. A blob without the final `end` section was cut short
// (killed, truncated) and is rejected rather than read as "everything is absent".
import { markerOf } from './step-script.ts';

export type Sections = ReadonlyMap<string, string>;

export class IncompleteObserveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncompleteObserveError';
  }
}

export function parseSections(blob: string, nonce: string): Sections {
  const marker = `${markerOf(nonce)} `;
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of blob.split('\n')) {
    if (line.startsWith(marker)) {
      current = [];
      sections.set(line.slice(marker.length).trimEnd(), current);
    } else {
      current?.push(line);
    }
  }
  if (!sections.has('end')) throw new IncompleteObserveError('observe output ended before its last section');
  const out = new Map<string, string>();
  for (const [name, lines] of sections) out.set(name, lines.join('\n').replace(/\n+$/, ''));
  return out;
}

/** The section's text with device-tree NULs and surrounding blanks removed; undefined if empty. */
export function sectionText(sections: Sections, name: string): string | undefined {
  const text = sections.get(name)?.replaceAll('\0', '').trim();
  return text ? text : undefined;
}
