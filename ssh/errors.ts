// Typed failures of the SSH transport. Each carries a bounded `reason` so conditions and
// metrics can use it as-is (no free text in labels), and none of them ever holds a secret.

/** Every reason an SSH operation can fail; a closed set, safe as a metric label. */
export type SshFailureReason =
  | 'HostKeyMismatch'
  | 'Unreachable'
  | 'AuthenticationFailed'
  | 'InvalidCredentials'
  | 'CommandTimeout'
  | 'ConnectionLost'
  | 'ChannelOpenFailed'
  | 'ExecutorClosed';

export const sshFailureReasons: readonly SshFailureReason[] = [
  'HostKeyMismatch',
  'Unreachable',
  'AuthenticationFailed',
  'InvalidCredentials',
  'CommandTimeout',
  'ConnectionLost',
  'ChannelOpenFailed',
  'ExecutorClosed',
];

export abstract class SshError extends Error {
  abstract readonly reason: SshFailureReason;
  /** "host:port" the failure is about (never the user or key). */
  readonly endpoint: string;

  constructor(endpoint: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = endpoint;
    this.name = new.target.name;
  }
}

/** The host presented a key other than the one expected; nothing was sent to it. */
export class HostKeyMismatchError extends SshError {
  readonly reason = 'HostKeyMismatch' as const;
  constructor(
    endpoint: string,
    /** OpenSSH public key line that was expected. */
    readonly expected: string,
    /** OpenSSH public key line the host presented. */
    readonly presented: string,
  ) {
    super(endpoint, `host key of ${endpoint} does not match: expected ${expected}, presented ${presented}`);
  }
}

/** TCP connect, DNS or the SSH handshake failed or timed out. */
export class UnreachableError extends SshError {
  readonly reason = 'Unreachable' as const;
}

/** The server refused every credential offered. */
export class AuthenticationError extends SshError {
  readonly reason = 'AuthenticationFailed' as const;
}

/** The private key could not be parsed (or is encrypted); no connection was attempted. */
export class InvalidCredentialsError extends SshError {
  readonly reason = 'InvalidCredentials' as const;
}

/** The command outlived its timeout and was killed on the remote side. */
export class CommandTimeoutError extends SshError {
  readonly reason = 'CommandTimeout' as const;
  constructor(
    endpoint: string,
    readonly timeoutMs: number,
    /** What the command printed before it was killed. */
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(endpoint, `command on ${endpoint} timed out after ${timeoutMs} ms`);
  }
}

/** An established connection dropped while a command was running; its outcome is unknown. */
export class ConnectionLostError extends SshError {
  readonly reason = 'ConnectionLost' as const;
  constructor(
    endpoint: string,
    message: string,
    /** False when the command certainly never started (so running it again is safe). */
    readonly commandMayHaveRun: boolean,
    options?: { cause?: unknown },
  ) {
    super(endpoint, message, options);
  }
}

/** The server refused to open a session channel (e.g. MaxSessions reached). */
export class ChannelOpenError extends SshError {
  readonly reason = 'ChannelOpenFailed' as const;
}

/** `close()` was called; the executor takes no more commands. */
export class ExecutorClosedError extends SshError {
  readonly reason = 'ExecutorClosed' as const;
}
