// Reads back what the step script printed: which steps ran, how each ended, and what each wrote.
// Pure, so partial output (a dropped connection, a killed script) is tested like any other input.
import { markerOf } from './step-script.ts';

export type StepState =
  | 'succeeded'
  | 'failed'
  /** Started but never reported an end: the connection or the whole script died. */
  | 'unknown'
  | 'not-run';

export interface StepOutcome {
  index: number;
  state: StepState;
  exitCode?: number;
  stdout: string;
  stderr: string;
}

interface Framed {
  begun: Set<number>;
  ended: Map<number, number>;
  text: Map<number, string[]>;
  done: boolean;
}

function frame(output: string, marker: string): Framed {
  const framed: Framed = { begun: new Set(), ended: new Map(), text: new Map(), done: false };
  let current: number | undefined;
  for (const line of output.split('\n')) {
    if (line.startsWith(`${marker} `)) {
      const rest = line.slice(marker.length + 1).trim();
      const m = /^step (\d+) (begin|end)(?: (\d+))?$/.exec(rest);
      if (rest === 'done') framed.done = true;
      else if (m?.[2] === 'begin') {
        current = Number(m[1]);
        framed.begun.add(current);
        framed.text.set(current, []);
      } else if (m?.[2] === 'end') {
        framed.ended.set(Number(m[1]), Number(m[3] ?? 1));
        current = undefined;
      }
      continue;
    }
    if (current !== undefined) framed.text.get(current)?.push(line);
  }
  return framed;
}

function joined(lines: string[] | undefined): string {
  return (lines ?? []).join('\n').trim();
}

export function parseStepOutput(stdout: string, stderr: string, nonce: string, stepCount: number): StepOutcome[] {
  const marker = markerOf(nonce);
  const out = frame(stdout, marker);
  const err = frame(stderr, marker);
  const outcomes: StepOutcome[] = [];
  for (let index = 0; index < stepCount; index++) {
    const exitCode = out.ended.get(index);
    const state: StepState = !out.begun.has(index)
      ? 'not-run'
      : exitCode === undefined
        ? 'unknown'
        : exitCode === 0
          ? 'succeeded'
          : 'failed';
    const outcome: StepOutcome = { index, state, stdout: joined(out.text.get(index)), stderr: joined(err.text.get(index)) };
    if (exitCode !== undefined) outcome.exitCode = exitCode;
    outcomes.push(outcome);
  }
  return outcomes;
}

/** GNU timeout exits 124 when it stopped the command (137 when it had to KILL it). */
export function timedOut(outcome: StepOutcome): boolean {
  return outcome.exitCode === 124 || outcome.exitCode === 137;
}
