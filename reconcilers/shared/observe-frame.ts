// The frame every kind's observe script shares: LC_ALL=C, the per-run marker, `sec NAME` to open
// a section, the probes inside one function (the script arrives on stdin, so sh reads it whole
// before running anything), probes' stderr dropped (it is noise about absent tools), and the
// `end` section last, so parse-sections.ts can tell a complete blob from one cut short.
//
// Every probe's output is cut on the Pi at its bound plus one byte (`head -c`): a file a user
// controls there (~/.ssh/authorized_keys filled with 16 MiB) cannot grow what the operator
// holds, and the extra byte tells parse-sections.ts that the section went over its bound.
import { shellQuote } from '../../ssh/quote.ts';
import { markerOf } from './step-script.ts';

/** Bytes one section may hold unless its probe says otherwise (issue 16). */
export const sectionLimitBytes = 64 * 1024;

/**
 * Bytes per stream an observe exec keeps (the executor's maxOutputBytes for it): every section
 * at its bound still fits for the scripts bramble sends; past it the result is `truncated`.
 */
export const observeOutputLimitBytes = 4 * 1024 * 1024;

/** A section, its probe, and, for output that may be longer than sectionLimitBytes, its own bound. */
export type Probe = [section: string, probe: string, limitBytes?: number];

/** PROBE with its output cut at `limit` + 1 bytes (see above). */
export function bounded(probe: string, limit = sectionLimitBytes): string {
  return `{ ${probe}\n  } | head -c ${limit + 1}`;
}

/** `sec NAME; PROBE` lines, one per probe, each bounded. */
export function probeLines(probes: readonly Probe[]): string[] {
  return probes.map(([section, probe, limit]) => `sec ${section}; ${bounded(probe, limit)}`);
}

/** The bounds of the probes that have their own, by section name as the output shows it. */
export function sectionLimits(probes: readonly Probe[]): Map<string, number> {
  return new Map(probes.flatMap(([section, , limit]) => (limit === undefined ? [] : [[section, limit] as const])));
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
