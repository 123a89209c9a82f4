// A step is one idempotent change a plan wants on one host. Plans are pure and produce steps;
// the step runner sends them. Every kind's reconciler uses this shape.

export interface Step {
  /** Bounded identifier, safe in conditions and metrics: "hostname", "user:alice". */
  name: string;
  /** What will change, for status and `bramble plan`: "hostname was pi-old, set to pi1". */
  description: string;
  /**
   * POSIX sh that checks, then changes, then verifies its own result (exit non-zero when the
   * postcondition does not hold). Every value in it went through `shellQuote`.
   */
  command: string;
  mutating: true;
  /** The step is killed after this long; the remaining steps do not run. */
  timeoutMs: number;
  /** UpperCamelCase Event reason used when the step changed something. */
  eventReason: string;
}

/** The part of a step that status shows. */
export function pendingStepOf(step: Step): { name: string; description: string } {
  return { name: step.name, description: step.description };
}
