// An executor that answers like a Pi without SSH: after a fixed delay it replays an observe
// output recorded from a real fleet node (with this run's marker, and the node's own hostname
// and time zone swapped in) and reports every step of an apply script as succeeded. It lets
// the scale benchmark put 1,000 PiNodes through the real operator on one machine.
import type { ExecOptions, ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';
import { nonceOf, type RecordedObserve } from './observe-recorder.ts';

export interface PiLook {
  hostname: string;
  timezone: string;
}

/** The recorded blob as the node `look` would print it for the script with `nonce`. Pure. */
export function replayObserve(recorded: RecordedObserve, recordedTimezone: string, nonce: string, look: PiLook): string {
  return recorded.stdout
    .replaceAll(`@@bramble:${recorded.nonce}`, `@@bramble:${nonce}`)
    .replaceAll(recorded.hostname, look.hostname)
    .replaceAll(recordedTimezone, look.timezone);
}

/** Step markers for every `run_step N` of an apply script, each ending 0, then `done`. Pure. */
export function replayApply(script: string, nonce: string): string {
  const marker = `@@bramble:${nonce}`;
  const steps = [...script.matchAll(/^ {2}run_step (\d+) /gm)].map((m) => m[1]);
  return `${steps.map((i) => `\n${marker} step ${i} begin\n\n${marker} step ${i} end 0\n`).join('')}\n${marker} done\n`;
}

export class ReplayExecutor implements Executor {
  calls = 0;

  constructor(
    private readonly recorded: RecordedObserve,
    private readonly recordedTimezone: string,
    private readonly delayMs: number,
    private readonly lookOf: (host: string) => PiLook,
  ) {}

  async exec(target: SshTarget, _command: string, options?: ExecOptions): Promise<ExecResult> {
    this.calls++;
    const started = Date.now();
    await new Promise((r) => setTimeout(r, this.delayMs));
    const script = options?.stdin?.toString() ?? '';
    const nonce = nonceOf(script) ?? '';
    const stdout = script.includes('sec end')
      ? replayObserve(this.recorded, this.recordedTimezone, nonce, this.lookOf(target.host))
      : replayApply(script, nonce);
    const hostKey = target.hostKey.policy === 'Pinned' ? target.hostKey.key : this.recorded.hostKey;
    return { code: 0, signal: null, stdout, stderr: '', durationMs: Date.now() - started, hostKey };
  }

  async close(): Promise<void> {}
}
