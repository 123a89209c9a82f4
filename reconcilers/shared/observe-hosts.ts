// Why a host of a multi-host kind could not be observed, for a condition message. Only an
// observe failure or a transport failure is a host's fault; anything else is a bug and is rethrown.
import { observeFailureText } from './observe-exec.ts';
import { reachabilityFailure } from './ssh-failure.ts';

export function whyUnobserved(error: unknown): string {
  const observeFailure = observeFailureText(error);
  if (observeFailure) return observeFailure;
  const failure = reachabilityFailure(error);
  if (!failure) throw error;
  return `${failure.reason}: ${failure.message}`;
}
