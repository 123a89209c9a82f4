// The frame every kind's observe script shares: LC_ALL=C, the per-run marker, `sec NAME` to open
// a section, the probes inside one function (the script arrives on stdin, so sh reads it whole
// before running anything), probes' stderr dropped (it is noise about absent tools), and the
// `end` section last, so parse-sections.ts can tell a complete blob from one cut short.
import { shellQuote } from '../../ssh/quote.ts';
import { markerOf } from './step-script.ts';

export type Probe = [section: string, probe: string];

/** `sec NAME; PROBE` lines, one per probe. */
export function probeLines(probes: readonly Probe[]): string[] {
  return probes.map(([section, probe]) => `sec ${section}; ${probe}`);
}

/** The whole observe script around `body` (lines run in order); `functions` are defined first. */
export function observeFrame(body: readonly string[], nonce: string, functions: readonly string[] = []): string {
  return [
    'LC_ALL=C; export LC_ALL',
    `M=${shellQuote(markerOf(nonce))}`,
    // The leading newline keeps a marker on its own line after output without a final newline.
    `sec() { printf '\\n%s %s\\n' "$M" "$1"; }`,
    ...functions,
    'main() {',
    ...[...body, 'sec end; true'].map((line) => `  ${line}`),
    '}',
    'main </dev/null 2>/dev/null',
    '',
  ].join('\n');
}
