// Observe = one exec per host: send the read-only script, parse facts and state from one blob.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { maskSecrets, tail } from '../shared/mask-secrets.ts';
import type { PiNodeFacts, PiNodeSpec } from './pinode-types.ts';
import { observeScript, type ObserveScope } from './observe-script.ts';
import { IncompleteObserveError, parseSections } from '../shared/parse-sections.ts';
import { parseFacts } from './parse-facts.ts';
import { parseState, type ObservedState } from './parse-state.ts';

export interface Observed {
  facts: PiNodeFacts;
  state: ObservedState;
}

export const observeTimeoutMs = 60_000;

/** The script ran but did not finish (sudo refused, sh missing, killed); its host key is known. */
export class ObserveFailedError extends Error {
  constructor(
    message: string,
    readonly hostKey: string,
  ) {
    super(message);
    this.name = 'ObserveFailedError';
  }
}

export function scopeOf(spec: PiNodeSpec): ObserveScope {
  const users = spec.users ?? [];
  return {
    users: users.map((u) => u.name),
    groups: [...new Set(users.flatMap((u) => u.groups ?? []))],
    packages: spec.packages ?? [],
  };
}

/** Parses a blob the observe script printed (throws IncompleteObserveError when cut short). */
export function parseObserved(blob: string, nonce: string, scope: ObserveScope): Observed {
  const sections = parseSections(blob, nonce);
  return { facts: parseFacts(sections), state: parseState(sections, scope.users) };
}

export async function observe(
  executor: Executor,
  target: SshTarget,
  spec: PiNodeSpec,
  nonce: string,
): Promise<{ observed: Observed; hostKey: string }> {
  const scope = scopeOf(spec);
  const exec = await executor.exec(target, 'sh -s', {
    asRoot: true,
    stdin: observeScript(scope, nonce),
    timeoutMs: observeTimeoutMs,
  });
  try {
    return { observed: parseObserved(exec.stdout, nonce, scope), hostKey: exec.hostKey };
  } catch (error) {
    if (!(error instanceof IncompleteObserveError)) throw error;
    const stderr = tail(maskSecrets(exec.stderr, [target.privateKey]), 512);
    const how = exec.code === null ? `killed by ${exec.signal ?? 'a signal'}` : `exited ${exec.code}`;
    throw new ObserveFailedError(`observe script ${how} before finishing${stderr ? `: ${stderr}` : ''}`, exec.hostKey);
  }
}
