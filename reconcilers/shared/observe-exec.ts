// Sends an observe script (as root, over `sh -s`) with the output bound of observe-frame.ts: a
// Pi that prints more than that per stream gets ObserveOutputTooLargeError, never a cut blob
// read as if whole. The multi-host kinds observe through this.
import type { ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';
import { observeOutputLimitBytes } from './observe-frame.ts';
import { IncompleteObserveError, ObserveOutputTooLargeError } from './parse-sections.ts';

export async function execObserve(executor: Executor, target: SshTarget, script: string, timeoutMs: number): Promise<ExecResult> {
  const exec = await executor.exec(target, 'sh -s', { asRoot: true, stdin: script, timeoutMs, maxOutputBytes: observeOutputLimitBytes });
  if (exec.truncated) throw new ObserveOutputTooLargeError(['(the whole output)'], observeOutputLimitBytes);
  return exec;
}

/** Why a host's observe gave nothing usable, for a condition message; undefined when it is not an observe failure. */
export function observeFailureText(error: unknown): string | undefined {
  if (error instanceof ObserveOutputTooLargeError) return `ObserveOutputTooLarge: ${error.message}`;
  if (error instanceof IncompleteObserveError) return 'observe script did not finish';
  return undefined;
}
