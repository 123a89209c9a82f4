// The multi-host kinds' observe: one exec per host (execObserve, with a fresh marker), all hosts
// at once. A host that cannot be observed is named in `failures` with why (whyUnobserved), never
// thrown: only an observe failure or a transport failure is a host's fault; anything else is a
// bug and is rethrown.
import type { SshTarget } from '../../ssh/executor.ts';
import type { ReconcileContext } from '../contract.ts';
import { execObserve, observeFailureText } from './observe-exec.ts';
import { reachabilityFailure } from './ssh-failure.ts';

export function whyUnobserved(error: unknown): string {
  const observeFailure = observeFailureText(error);
  if (observeFailure) return observeFailure;
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return `${failure.reason}: ${failure.message}`;
}

/** What of a reconcile the observe uses. */
export interface ObserveRun {
  ctx: Pick<ReconcileContext, 'executor'>;
  nonce: () => string;
}

/** A kind's observe of one host: its script around a marker, the parser of what it printed, the time it may take. */
export interface HostObserve<O> {
  script(nonce: string): string;
  parse(stdout: string, nonce: string): O;
  timeoutMs: number;
}

export async function observeHost<O>(run: ObserveRun, target: SshTarget, how: HostObserve<O>): Promise<O> {
  const nonce = run.nonce();
  const exec = await execObserve(run.ctx.executor, target, how.script(nonce), how.timeoutMs);
  return how.parse(exec.stdout, nonce);
}

export interface HostsObserved<O> {
  /** By host name, for the hosts that answered. */
  observed: Map<string, O>;
  /** "host: why" for each host that did not. */
  failures: string[];
}

/** Observes every host at once; `how` says how to observe each. */
export async function observeHosts<O>(
  run: ObserveRun,
  targets: Iterable<readonly [string, SshTarget]>,
  how: (host: string) => HostObserve<O>,
): Promise<HostsObserved<O>> {
  const observed = new Map<string, O>();
  const failures: string[] = [];
  await Promise.all(
    [...targets].map(async ([host, target]) => {
      try {
        observed.set(host, await observeHost(run, target, how(host)));
      } catch (error) {
        failures.push(`${host}: ${whyUnobserved(error)}`);
      }
    }),
  );
  return { observed, failures };
}
