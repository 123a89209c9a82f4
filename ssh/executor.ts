// The one way bramble talks to a Pi. Everything that runs a command on a host goes through an
// Executor; unit tests swap in a recording one, end-to-end tests use the real ssh2 one.

/** How the host key presented by a Pi is checked before anything is sent. */
export type HostKeyExpectation =
  /** Only this key is accepted (OpenSSH public key line: "ssh-ed25519 AAAA…"). */
  | { policy: 'Pinned'; key: string }
  /** Accept the first key seen (then `known` holds it and it is pinned from then on). */
  | { policy: 'TrustOnFirstUse'; known?: string };

export interface SshTarget {
  /** IP address or DNS name, already validated by the CRD schema. */
  host: string;
  port: number;
  user: string;
  /** Private key (OpenSSH or PEM) from a `kubernetes.io/ssh-auth` Secret. Never logged. */
  privateKey: string;
  hostKey: HostKeyExpectation;
}

export interface ExecOptions {
  /**
   * Kill the remote command and fail after this long (CommandTimeoutError). Every command has a
   * timeout: the executor's default applies when this is unset.
   */
  timeoutMs?: number;
  /** Bytes written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Run as root: wrapped in `sudo -n` when the target user is not root. */
  asRoot?: boolean;
  /**
   * Bytes kept per stream (stdout, stderr) for this command; past it the rest is read and
   * dropped and the result says `truncated`. The executor's own bound applies when unset or larger.
   */
  maxOutputBytes?: number;
}

export interface ExecResult {
  /** Exit code, or null when the command died of a signal. */
  code: number | null;
  /** The signal that killed the command, Node-style ("SIGTERM"), or null when it exited. */
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The host key the server presented on this connection (OpenSSH public key line). */
  hostKey: string;
  /** True when stdout or stderr went past the output bound and was cut. */
  truncated?: boolean;
}

export interface Executor {
  /** Runs one command on the target over its pooled connection. */
  exec(target: SshTarget, command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Closes every pooled connection. */
  close(): Promise<void>;
}
