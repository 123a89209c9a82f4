// Sends a plan to one host as a single `sh -s` exec (one round trip) and reports per step.
import type { Executor, ExecResult, SshTarget } from '../../ssh/executor.ts';
import type { Step } from './step.ts';
import { stepScript, stepScriptTimeoutMs } from './step-script.ts';
import { parseStepOutput, timedOut, type StepOutcome } from './step-output.ts';
import { maskSecrets, tail } from './mask-secrets.ts';

export interface StepsRun {
  outcomes: StepOutcome[];
  exec: ExecResult;
}

export interface StepFailure {
  step: Step;
  /** One line for a condition message: what failed and its (masked, shortened) stderr. */
  message: string;
}

export async function runSteps(executor: Executor, target: SshTarget, steps: readonly Step[], nonce: string): Promise<StepsRun> {
  const exec = await executor.exec(target, 'sh -s', {
    asRoot: true,
    stdin: stepScript(steps, nonce),
    timeoutMs: stepScriptTimeoutMs(steps),
  });
  return { outcomes: parseStepOutput(exec.stdout, exec.stderr, nonce, steps.length), exec };
}

/** Longest stderr excerpt a condition message carries. */
const maxStderr = 512;

/** The first step that did not succeed, described with its stderr masked of `secrets`. */
export function firstFailure(steps: readonly Step[], run: StepsRun, secrets: readonly string[]): StepFailure | undefined {
  for (const outcome of run.outcomes) {
    if (outcome.state === 'succeeded') continue;
    const step = steps[outcome.index];
    if (!step) continue;
    let why: string;
    if (outcome.state === 'failed' && timedOut(outcome)) {
      why = `timed out after ${Math.ceil(step.timeoutMs / 1000)}s`;
    } else if (outcome.state === 'failed') {
      why = `exited ${outcome.exitCode}`;
    } else if (outcome.state === 'unknown') {
      why = 'did not finish (the connection or the script ended early)';
    } else {
      // Never started although every earlier step succeeded: sudo or sh itself failed.
      why = 'did not start';
    }
    const stderr = outcome.stderr || (outcome.state === 'not-run' ? run.exec.stderr : '');
    const detail = tail(maskSecrets(stderr, secrets), maxStderr);
    return { step, message: `step ${step.name} ${why}${detail ? `: ${detail}` : ''}` };
  }
  return undefined;
}
