// Turns a list of steps into ONE remote sh script, so a whole plan costs one SSH round trip.
// The script runs the steps in order, stops at the first failure, and frames each step's
// stdout and stderr with markers carrying a per-run nonce (output from the Pi cannot forge them).
import { shellQuote } from '../../ssh/quote.ts';
import type { Step } from './step.ts';

/** Seconds `timeout` waits after TERM before it sends KILL. */
const killGraceSeconds = 5;

export function markerOf(nonce: string): string {
  if (!/^[0-9a-z]{6,64}$/.test(nonce)) throw new Error('nonce must be 6-64 lowercase alphanumerics');
  return `@@bramble:${nonce}`;
}

export function stepScript(steps: readonly Step[], nonce: string): string {
  const lines = [
    `M=${shellQuote(markerOf(nonce))}`,
    // Markers go to both streams so stderr can be attributed to its step.
    `mark() { printf '\\n%s %s\\n' "$M" "$1"; printf '\\n%s %s\\n' "$M" "$1" >&2; }`,
    'run_step() {',
    '  mark "step $1 begin"',
    `  if command -v timeout >/dev/null 2>&1; then timeout -k ${killGraceSeconds} "$2" sh -c "$3"; else sh -c "$3"; fi`,
    '  rc=$?',
    '  mark "step $1 end $rc"',
    '  return "$rc"',
    '}',
    // The script arrives on stdin (`sh -s`); defining everything in one function makes sh read
    // it all before running anything, and </dev/null keeps a step from eating the script.
    'main() {',
    ...steps.map((step, i) => `  run_step ${i} ${Math.max(1, Math.ceil(step.timeoutMs / 1000))} ${shellQuote(step.command)} || return 0`),
    '  mark done',
    '}',
    'main </dev/null',
    '',
  ];
  return lines.join('\n');
}

/** How long the whole script may take: every step's timeout plus the kill grace, plus slack. */
export function stepScriptTimeoutMs(steps: readonly Step[]): number {
  return steps.reduce((sum, s) => sum + Math.ceil(s.timeoutMs / 1000) * 1000 + killGraceSeconds * 1000, 30_000);
}
