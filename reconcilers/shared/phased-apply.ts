// Every kind's apply (a PiNode's is one phase on one host). Phases run in order and the hosts of a phase at once; it stops
// after the first phase that failed anywhere, since a later phase depends on the earlier ones (no
// Gluster volume without its peers, no MinIO node restarted before the binary is staged
// everywhere). A host's work in a phase runs in order: each run of steps in ONE exec
// (apply-plan.ts), each file over stdin (writeFileIfChanged), never in a command line, where the
// Pi's process list would show it. Every failure message is masked of every secret the kind
// declares and of every host's SSH key, and what was applied becomes the Events.
import type { SshTarget } from '../../ssh/executor.ts';
import { RemoteFileError, writeFileIfChanged, type RemoteFile } from '../../ssh/remote-file.ts';
import type { ReconcileContext, ReconcileEvent } from '../contract.ts';
import { applyPlan } from './apply-plan.ts';
import { appliedEvents } from './applied-events.ts';
import { maskSecrets, tail } from './mask-secrets.ts';
import { reachabilityFailure, type ReachabilityFailure } from './ssh-failure.ts';
import type { Step } from './step.ts';

export interface AppliedStep {
  host: string;
  step: Pick<Step, 'name' | 'description' | 'eventReason'>;
}

/** A file the host must hold, reported as `step` once it does. */
export interface FileWrite {
  file: RemoteFile;
  step: AppliedStep['step'];
}

/** What one host does in one phase, in order. */
export type HostWork = readonly (Step | FileWrite)[];

/** The hosts of one phase (by PiNode name) and their work. */
export type Phase = ReadonlyMap<string, HostWork>;

export interface ApplyFailure {
  host: string;
  step: string;
  /** Masked: conditions and Events are readable by anyone who can read the resource. */
  message: string;
  /** Set when the connection failed rather than a step: a kind may report the host unreachable. */
  transport?: ReachabilityFailure;
}

export interface PhasedApplyOutcome {
  applied: AppliedStep[];
  /** The first failure. */
  failure?: ApplyFailure;
}

export interface PhasedApply {
  targets: ReadonlyMap<string, SshTarget>;
  /** Values the kind declares secret (a password, a key); every target's SSH key is added. */
  secrets: readonly string[];
  /** The hosts of an applied Event sorted, or as applied (a rollout's order is its story). */
  eventHostOrder?: 'sorted' | 'as-applied';
  /** 'report': the kind words the applied Events itself; none go to `run.events`. */
  appliedEvents?: 'engine' | 'report';
}

/** What of a reconcile the apply uses: the executor, fresh markers, and the Events gathered. */
export interface ApplyRun {
  ctx: Pick<ReconcileContext, 'executor'>;
  nonce: () => string;
  events: ReconcileEvent[];
}

/** Longest excerpt of a failed file write a condition message carries. */
const maxFileError = 512;

interface Applying {
  run: ApplyRun;
  targets: ReadonlyMap<string, SshTarget>;
  secrets: readonly string[];
  out: PhasedApplyOutcome;
}

const isFileWrite = (item: Step | FileWrite): item is FileWrite => 'file' in item;

/** The work as it is sent: each run of consecutive steps together, each file alone. */
function sendings(work: HostWork): (Step[] | FileWrite)[] {
  const out: (Step[] | FileWrite)[] = [];
  for (const item of work) {
    const last = out.at(-1);
    if (isFileWrite(item)) out.push(item);
    else if (Array.isArray(last)) last.push(item);
    else out.push([item]);
  }
  return out;
}

function failed(a: Applying, failure: ApplyFailure): false {
  const mask = (m: string) => maskSecrets(m, a.secrets);
  const transport = failure.transport && { ...failure.transport, message: mask(failure.transport.message) };
  a.out.failure ??= { ...failure, message: mask(failure.message), ...(transport ? { transport } : {}) };
  return false;
}

/** A transport or remote-file failure as one line; anything else is a bug and is rethrown. */
function whyNotApplied(error: unknown, secrets: readonly string[]): Pick<ApplyFailure, 'message' | 'transport'> {
  // Masked before it is cut: a secret cut in two would no longer be found.
  if (error instanceof RemoteFileError) return { message: tail(maskSecrets(error.message, secrets), maxFileError) };
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return { message: `${failure.reason}: ${failure.message}`, transport: failure };
}

async function send(a: Applying, host: string, target: SshTarget, sending: Step[] | FileWrite): Promise<boolean> {
  const { executor } = a.run.ctx;
  if (!Array.isArray(sending)) {
    await writeFileIfChanged(executor, target, sending.file);
    a.out.applied.push({ host, step: sending.step });
    return true;
  }
  const outcome = await applyPlan(executor, target, sending, a.run.nonce());
  a.out.applied.push(...outcome.applied.map((step) => ({ host, step })));
  return outcome.failure ? failed(a, { host, step: outcome.failure.step.name, message: outcome.failure.message }) : true;
}

async function runHost(a: Applying, host: string, work: HostWork): Promise<boolean> {
  const first = work[0];
  if (!first) return true;
  const target = a.targets.get(host);
  if (!target) return failed(a, { host, step: isFileWrite(first) ? first.step.name : first.name, message: `no SSH target for ${host}` });
  for (const sending of sendings(work)) {
    const step = Array.isArray(sending) ? (sending[0]?.name ?? 'connect') : sending.step.name;
    try {
      if (!(await send(a, host, target, sending))) return false;
    } catch (error) {
      return failed(a, { host, step, ...whyNotApplied(error, a.secrets) });
    }
  }
  return true;
}

/** Runs the phases in order; within a phase, hosts run at once. The applied steps go to `run.events` unless the kind words them. */
export async function applyPhases(run: ApplyRun, apply: PhasedApply, phases: readonly Phase[]): Promise<PhasedApplyOutcome> {
  const secrets = [...apply.secrets, ...[...apply.targets.values()].map((t) => t.privateKey)];
  const a: Applying = { run, targets: apply.targets, secrets, out: { applied: [] } };
  for (const phase of phases) {
    const results = await Promise.all([...phase].map(([host, work]) => runHost(a, host, work)));
    if (results.includes(false)) break;
  }
  if (apply.appliedEvents !== 'report') run.events.push(...appliedEvents(a.out.applied, apply.eventHostOrder));
  return a.out;
}
