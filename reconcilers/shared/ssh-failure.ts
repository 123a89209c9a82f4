// Maps a failed exec to the Reachable condition's reason. The transport's typed errors carry a
// bounded `reason`; anything else with a recognisable class name is matched by name so this
// keeps working across module copies (e.g. a test fake throwing its own class).
import { SshError } from '../../ssh/errors.ts';

export type ReachableReason =
  'HostKeyMismatch' | 'Unreachable' | 'AuthenticationFailed' | 'InvalidCredentials' | 'Timeout' | 'ConnectionLost';

export interface ReachabilityFailure {
  reason: ReachableReason;
  message: string;
  /** True when retrying cannot help until a person changes something. */
  needsAttention: boolean;
}

const byName: Record<string, ReachableReason> = {
  HostKeyMismatchError: 'HostKeyMismatch',
  UnreachableError: 'Unreachable',
  AuthenticationError: 'AuthenticationFailed',
  InvalidCredentialsError: 'InvalidCredentials',
  CommandTimeoutError: 'Timeout',
  ConnectionLostError: 'ConnectionLost',
  ChannelOpenError: 'Unreachable',
};

const byReason: Record<string, ReachableReason> = {
  HostKeyMismatch: 'HostKeyMismatch',
  Unreachable: 'Unreachable',
  AuthenticationFailed: 'AuthenticationFailed',
  InvalidCredentials: 'InvalidCredentials',
  CommandTimeout: 'Timeout',
  ConnectionLost: 'ConnectionLost',
  ChannelOpenFailed: 'Unreachable',
};

const needsAttention = new Set<ReachableReason>(['HostKeyMismatch', 'AuthenticationFailed', 'InvalidCredentials']);

/** The failure, or undefined when `error` is not a transport failure (a bug: rethrow it). */
export function reachabilityFailure(error: unknown): ReachabilityFailure | undefined {
  if (!(error instanceof Error)) return undefined;
  const reason = error instanceof SshError ? byReason[error.reason] : byName[error.name];
  if (!reason) return undefined;
  return { reason, message: error.message, needsAttention: needsAttention.has(reason) };
}
