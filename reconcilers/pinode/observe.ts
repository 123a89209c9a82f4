// Observe = one exec per host: send the read-only script, parse facts and state from one blob.
import type { Executor, SshTarget } from '../../ssh/executor.ts';
import { maskSecrets, tail } from '../shared/mask-secrets.ts';
import type { PiNodeFacts, PiNodeSpec } from './pinode-types.ts';
import { observeScript, type ObserveScope } from './observe-script.ts';
import { IncompleteObserveError, ObserveOutputTooLargeError, parseSections } from '../shared/parse-sections.ts';
import { observeOutputLimitBytes } from '../shared/observe-frame.ts';
import { parseFacts } from './parse-facts.ts';
import { parseState, type ObservedState } from './parse-state.ts';
import { parseManagedBy, parseNetwork, type ObservedNetwork } from './network-observe.ts';

export interface Observed {
  facts: PiNodeFacts;
  state: ObservedState;
  /** Present when spec.network is declared. */
  network?: ObservedNetwork;
}

export const observeTimeoutMs = 60_000;

/** The script ran but did not finish (sudo refused, sh missing, killed); its host key is known. */
export class ObserveFailedError extends Error {
  constructor(
    message: string,
    readonly hostKey: string,
    /** ObserveOutputTooLarge: a section (a file a user on the Pi controls) or the whole output went past its bound. */
    readonly reason: 'ObserveFailed' | 'ObserveOutputTooLarge' = 'ObserveFailed',
  ) {
    super(message);
    this.name = 'ObserveFailedError';
  }
}

/** The file or command a section reads, for people. */
function describeSection(section: string): string {
  const [kind, user] = section.split(' ');
  if (kind === 'user-keys') return `~${user}/.ssh/authorized_keys`;
  if (kind === 'user-ssh') return `the listing of ~${user}/.ssh`;
  return `the output of the ${section} probe`;
}

export function scopeOf(spec: PiNodeSpec): ObserveScope {
  const users = spec.users ?? [];
  return {
    users: users.map((u) => u.name),
    groups: [...new Set(users.flatMap((u) => u.groups ?? []))],
    packages: spec.packages ?? [],
    ...(spec.network ? { networkInterface: spec.network.interface } : {}),
  };
}

/** Parses a blob the observe script printed (throws IncompleteObserveError when cut short). */
export function parseObserved(blob: string, nonce: string, scope: ObserveScope): Observed {
  const sections = parseSections(blob, nonce);
  const managedBy = parseManagedBy(sections);
  return {
    facts: { ...parseFacts(sections), ...(managedBy ? { networkManagedBy: managedBy } : {}) },
    state: parseState(sections, scope.users),
    ...(scope.networkInterface !== undefined ? { network: parseNetwork(sections) } : {}),
  };
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
    maxOutputBytes: observeOutputLimitBytes,
  });
  if (exec.truncated) {
    throw new ObserveFailedError(
      `observe output went past ${observeOutputLimitBytes} bytes and was cut; nothing was planned`,
      exec.hostKey,
      'ObserveOutputTooLarge',
    );
  }
  try {
    return { observed: parseObserved(exec.stdout, nonce, scope), hostKey: exec.hostKey };
  } catch (error) {
    if (error instanceof ObserveOutputTooLargeError) {
      const what = error.sections.map(describeSection).join(', ');
      throw new ObserveFailedError(
        `${what} on the Pi is larger than ${error.limitBytes} bytes, so bramble did not read it; nothing was planned. ` +
          'Shorten or remove it on the Pi',
        exec.hostKey,
        'ObserveOutputTooLarge',
      );
    }
    if (!(error instanceof IncompleteObserveError)) throw error;
    const stderr = tail(maskSecrets(exec.stderr, [target.privateKey]), 512);
    const how = exec.code === null ? `killed by ${exec.signal ?? 'a signal'}` : `exited ${exec.code}`;
    throw new ObserveFailedError(`observe script ${how} before finishing${stderr ? `: ${stderr}` : ''}`, exec.hostKey);
  }
}
