// Which steps each apply ran, read back from the call log: the step script (stdin) names each
// step's command (`run_step I TIMEOUT 'COMMAND'`), and its output marks each step's end with
// its exit code (`@@bramble:NONCE step I end RC`). A fault case uses this to prove that a step
// completed before the fault is not applied a second time after it.
import type { Call } from './call-log.ts';

export interface AppliedStep {
  host: string;
  at: number;
  command: string;
  /** Exit code, or undefined when the step never ended (the apply was cut off). */
  rc: number | undefined;
}

const runStepAt = /(?:^|\n) {2}run_step (\d+) \d+ /g;

/** Reads one shell word made of '…' pieces and \' escapes (what shellQuote writes) at `from`. */
function quotedWord(text: string, from: number): { word: string; end: number } {
  let out = '';
  let i = from;
  for (;;) {
    if (text[i] === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { word: out, end: text.length };
      out += text.slice(i + 1, close);
      i = close + 1;
    } else if (text.startsWith("\\'", i)) {
      out += "'";
      i += 2;
    } else {
      return { word: out, end: i };
    }
  }
}

export function appliedSteps(calls: readonly Call[]): AppliedStep[] {
  const out: AppliedStep[] = [];
  for (const call of calls) {
    if (!call.stdin.includes('run_step ')) continue;
    const ends = new Map<number, number>();
    for (const m of (call.end?.stdout ?? '').matchAll(/@@bramble:[0-9a-z]+ step (\d+) end (\d+)/g)) ends.set(Number(m[1]), Number(m[2]));
    // Word by word, so text inside a quoted command is never taken for a step of its own.
    const re = new RegExp(runStepAt.source, 'g');
    for (let m = re.exec(call.stdin); m; m = re.exec(call.stdin)) {
      const { word, end } = quotedWord(call.stdin, m.index + m[0].length);
      out.push({ host: call.host, at: call.at, command: word, rc: ends.get(Number(m[1])) });
      re.lastIndex = end;
    }
  }
  return out;
}

/**
 * Steps completed (rc 0) before `faultAt` that were run again after it on the same host: the
 * duplicate side effects a fault must not cause. `allowed` names commands that legitimately run
 * on every apply (none today).
 */
export function repeatedAfter(
  calls: readonly Call[],
  host: string,
  faultAt: number,
  allowed: (command: string) => boolean = () => false,
): AppliedStep[] {
  const steps = appliedSteps(calls).filter((s) => s.host === host);
  const done = new Set(steps.filter((s) => s.at < faultAt && s.rc === 0).map((s) => s.command));
  return steps.filter((s) => s.at >= faultAt && done.has(s.command) && !allowed(s.command));
}
