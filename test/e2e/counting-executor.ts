// Wraps the real executor to record every command it passes on, unchanged, so end-to-end tests
// can count round trips and mutating commands per host. It changes nothing about the call.
import type { ExecOptions, ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';

export type CallKind = 'observe' | 'apply' | 'other';

export interface CountedCall {
  host: string;
  kind: CallKind;
  at: number;
  durationMs: number;
  exitCode: number | null;
  /** False while the command is still running. */
  done: boolean;
  error?: string;
}

/**
 * What a reconciler's command is, from the scripts' own shapes: the PiNode and Slurm observe
 * scripts only read; the step runner's scripts change things; anything else (a file write) is
 * counted as a change too.
 */
function kindOf(command: string, options: ExecOptions | undefined): CallKind {
  const text = `${command}\n${options?.stdin?.toString() ?? ''}`;
  if (text.includes('run_step ')) return 'apply';
  if (
    text.includes('sec os-release') ||
    text.includes('stamp-slurmctld') ||
    text.includes('sec applied') ||
    text.includes('# bramble-plan-file-snapshot') ||
    text.includes('sec gluster-peers') ||
    // Every kind's observe is framed by observe-frame.ts, which ends with this section.
    text.includes('sec end; true')
  )
    return 'observe';
  return 'other';
}

export class CountingExecutor {
  readonly calls: CountedCall[] = [];

  wrap(inner: Executor): Executor {
    return {
      exec: async (target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult> => {
        const at = Date.now();
        const call: CountedCall = { host: target.host, kind: kindOf(command, options), at, durationMs: 0, exitCode: null, done: false };
        this.calls.push(call);
        try {
          const result = await inner.exec(target, command, options);
          call.exitCode = result.code;
          return result;
        } catch (err) {
          call.error = (err as Error).name;
          throw err;
        } finally {
          call.durationMs = Date.now() - at;
          call.done = true;
        }
      },
      close: () => inner.close(),
    };
  }

  since(index: number): CountedCall[] {
    return this.calls.slice(index);
  }

  forHost(host: string): CountedCall[] {
    return this.calls.filter((c) => c.host === host);
  }
}
