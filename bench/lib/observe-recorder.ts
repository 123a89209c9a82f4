// Keeps the last PiNode observe a real Pi answered (script nonce and output), so the scale
// benchmark can replay what a real node says instead of inventing it. Passes calls on unchanged.
import type { ExecOptions, ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';

export interface RecordedObserve {
  /** The marker nonce the script carried; the replayer swaps it for each new run's. */
  nonce: string;
  stdout: string;
  hostKey: string;
  /** The node's hostname in the recording, swapped for each replayed node's. */
  hostname: string;
  durationMs: number;
}

export function nonceOf(script: string): string | undefined {
  return /M='@@bramble:([0-9a-z]+)'/.exec(script)?.[1];
}

export class ObserveRecorder {
  last?: RecordedObserve;

  constructor(private readonly hostname: (host: string) => string | undefined) {}

  wrap(inner: Executor): Executor {
    return {
      exec: async (target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult> => {
        const result = await inner.exec(target, command, options);
        const script = options?.stdin?.toString() ?? '';
        const nonce = nonceOf(script);
        const hostname = this.hostname(target.host);
        if (nonce && hostname && script.includes('sec end') && result.code === 0) {
          this.last = { nonce, stdout: result.stdout, hostKey: result.hostKey, hostname, durationMs: result.durationMs };
        }
        return result;
      },
      close: () => inner.close(),
    };
  }
}
