// The metrics hook of the executor. The composition root wires it to Prometheus
// (bramble_ssh_command_duration_seconds{outcome}, bramble_ssh_errors_total{reason}); the
// values passed here are closed sets so they are safe as label values.
import type { SshFailureReason } from './errors.ts';

/** How a command ended: 0, another exit code, a signal, its timeout, or a transport failure. */
export type CommandOutcome = 'success' | 'nonzero' | 'signal' | 'timeout' | 'error';

export const commandOutcomes: readonly CommandOutcome[] = ['success', 'nonzero', 'signal', 'timeout', 'error'];

export interface ExecutorObserver {
  /** Called once per exec, whatever the outcome, with the wall time it took. */
  onCommand(durationSeconds: number, outcome: CommandOutcome): void;
  /** Called once per failed exec with the failure's reason. */
  onError(reason: SshFailureReason): void;
}
