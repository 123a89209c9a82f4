// What `bramble plan` found for one host: the steps it would run, each with the diff of the file
// it writes, or why the host could not be planned. Plain data; render.ts prints it.

export interface PlannedStep {
  name: string;
  description: string;
  /** Unified diff of the file the step writes (never a secret file). */
  diff?: string;
  /** Why no diff is shown although the step writes a file. */
  note?: string;
}

export interface HostReport {
  /** "PiNode default/pi0" or "SlurmPartition default/batch on pi0". */
  subject: string;
  address: string;
  steps: PlannedStep[];
  /** Set when the host could not be observed or planned: nothing is known about its steps. */
  error?: string;
  notes: string[];
}

/** Pure: a failure from the executor as one line (the transport's errors say what happened). */
export function errorLine(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
