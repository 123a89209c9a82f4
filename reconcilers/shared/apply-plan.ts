// apply: the plan's steps in one exec. Each step's command checks, changes, then verifies its
// own postcondition, so a step that reports success IS the verify for what it changed: no second
// observe is needed to write status (the next periodic resync re-observes anyway).
import { CommandTimeoutError } from '../../ssh/errors.ts';
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { firstFailure, runSteps, type StepFailure, type StepsRun } from './run-steps.ts';
import type { Step } from './step.ts';
import { parseStepOutput } from './step-output.ts';

export interface ApplyOutcome {
  /** Steps that ran and verified, in order. */
  applied: Step[];
  /** Steps not known to be done: the failed one and everything after it. */
  pending: Step[];
  failure?: StepFailure;
}

export function outcomeOf(steps: readonly Step[], run: StepsRun, secrets: readonly string[]): ApplyOutcome {
  const failure = firstFailure(steps, run, secrets);
  const failedAt = failure ? steps.indexOf(failure.step) : steps.length;
  return { applied: steps.slice(0, failedAt), pending: steps.slice(failedAt), ...(failure ? { failure } : {}) };
}

export async function applyPlan(executor: Executor, target: SshTarget, steps: readonly Step[], nonce: string): Promise<ApplyOutcome> {
  const secrets = [target.privateKey];
  try {
    return outcomeOf(steps, await runSteps(executor, target, steps, nonce), secrets);
  } catch (error) {
    // The whole script outlived its budget: what it printed still says which steps finished.
    if (!(error instanceof CommandTimeoutError)) throw error;
    const outcomes = parseStepOutput(error.stdout, error.stderr, nonce, steps.length);
    const exec = { code: null, signal: 'SIGTERM', stdout: error.stdout, stderr: error.stderr, durationMs: error.timeoutMs, hostKey: '' };
    return outcomeOf(steps, { outcomes, exec }, secrets);
  }
}
