// The Executor over ssh2: one pooled connection per host (and user and key), host keys always
// verified, a timeout on every command enforced on the Pi itself, typed failures, and a
// backoff that leaves a failing host alone for a while instead of hammering it.
import { createHash } from 'node:crypto';
import type { ExecOptions, ExecResult, Executor, HostKeyExpectation, SshTarget } from './executor.ts';
import { Connection } from './connection.ts';
import type { ConnectionSettings } from './connection.ts';
import { checkHostKey } from './host-key.ts';
import { backoffDelay, defaultBackoff } from './backoff.ts';
import type { BackoffPolicy } from './backoff.ts';
import { endedLikeRemoteTimeout, wrapRemoteCommand } from './remote-command.ts';
import {
  CommandTimeoutError,
  ConnectionLostError,
  ExecutorClosedError,
  HostKeyMismatchError,
  SshError,
  UnreachableError,
} from './errors.ts';
import type { CommandOutcome, ExecutorObserver } from './observer.ts';

export interface Ssh2ExecutorOptions {
  /** Timeout of a command that does not set one. */
  defaultTimeoutMs?: number;
  /** After the remote TERM, how long the command gets before KILL. */
  killAfterMs?: number;
  /** Extra wait on the client side beyond the remote timeout before giving up on the channel. */
  timeoutGraceMs?: number;
  /** TCP connect plus SSH handshake and authentication. */
  readyTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** Channels open at once on one connection (OpenSSH's MaxSessions defaults to 10). */
  maxChannelsPerConnection?: number;
  /**
   * A connection with no command running for this long is closed; 0 keeps it open, so its
   * keepalives notice a host that goes silent (see onConnectionLost).
   */
  idleCloseMs?: number;
  backoff?: BackoffPolicy;
  /**
   * Per stream, for every command (an exec may ask for less); output past this is read and
   * dropped, and the result says `truncated`. It bounds what one Pi can make the operator hold:
   * at most twice this per command running.
   */
  maxOutputBytes?: number;
  observer?: ExecutorObserver;
  /** Milliseconds clock, injectable for tests of the backoff. */
  now?: () => number;
}

export interface Ssh2ExecResult extends ExecResult {
  /** stdout exactly as received, for output that is not text. */
  stdoutBytes: Buffer;
  truncated: boolean;
}

export interface ConnectionStats {
  endpoint: string;
  user: string;
  activeChannels: number;
  peakChannels: number;
}

/** A pooled connection that ended without bramble closing it: the host went away or restarted. */
export interface LostConnection {
  host: string;
  port: number;
  user: string;
  /** The transport's words (e.g. "Keepalive timeout"); for logs, not a closed set. */
  detail: string;
}

interface PoolEntry {
  connection: Promise<Connection>;
  endpointUser: string;
}

interface FailureRecord {
  count: number;
  retryAt: number;
  error: SshError;
  expectation: string;
}

const defaults = {
  defaultTimeoutMs: 60_000,
  killAfterMs: 2_000,
  timeoutGraceMs: 1_000,
  readyTimeoutMs: 10_000,
  // ssh2 gives up after keepaliveCountMax + 1 silent intervals: 15 s here, so a pulled cable
  // shows within a resync or two (15 s × 4 = 60 s before), while a Pi busy for a few seconds
  // still answers in time (sshd replies to keepalives however loaded). See keepalive.test.ts.
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 2,
  maxChannelsPerConnection: 8,
  idleCloseMs: 60_000,
  maxOutputBytes: 4 * 1024 * 1024,
};

export class Ssh2Executor implements Executor {
  private readonly pool = new Map<string, PoolEntry>();
  private readonly failures = new Map<string, FailureRecord>();
  private readonly settings: ConnectionSettings;
  private readonly options: typeof defaults & { backoff: BackoffPolicy; now: () => number };
  private readonly observer: ExecutorObserver | undefined;
  private readonly lostListeners: ((lost: LostConnection) => void)[] = [];
  /** Hosts a probe found silent: exec fails at once until `until` or a probe finds them again. */
  private readonly down = new Map<string, { until: number; error: UnreachableError }>();
  private closing = false;
  private opened = 0;
  private live = 0;

  constructor(options: Ssh2ExecutorOptions = {}) {
    const merged = { ...defaults, ...definedOnly(options) };
    this.options = { ...merged, backoff: options.backoff ?? defaultBackoff, now: options.now ?? Date.now };
    this.observer = options.observer;
    this.settings = {
      readyTimeoutMs: merged.readyTimeoutMs,
      keepaliveIntervalMs: merged.keepaliveIntervalMs,
      keepaliveCountMax: merged.keepaliveCountMax,
      maxChannels: merged.maxChannelsPerConnection,
      idleCloseMs: merged.idleCloseMs,
    };
  }

  async exec(target: SshTarget, command: string, options: ExecOptions = {}): Promise<Ssh2ExecResult> {
    const started = performance.now();
    try {
      const result = await this.execOnce(target, command, options, started);
      this.observe(started, outcomeOf(result));
      return result;
    } catch (err) {
      const failure = err instanceof SshError ? err : undefined;
      this.observe(started, failure?.reason === 'CommandTimeout' ? 'timeout' : 'error');
      if (failure) this.observer?.onError(failure.reason);
      throw err;
    }
  }

  async close(): Promise<void> {
    this.closing = true;
    const entries = [...this.pool.values()];
    this.pool.clear();
    this.failures.clear();
    await Promise.all(
      entries.map(async (entry) => {
        const connection = await entry.connection.catch(() => undefined);
        if (!connection) return;
        await new Promise<void>((resolve) => {
          connection.onClose(() => resolve());
          connection.close();
        });
      }),
    );
  }

  /** Called for every pooled connection that closes or misses its keepalives, not for ones bramble closed. */
  onConnectionLost(listener: (lost: LostConnection) => void): void {
    this.lostListeners.push(listener);
  }

  /**
   * Ends the connect backoff of a host (every user and key): it answered a probe, so the next
   * exec connects at once instead of repeating the last failure.
   */
  forgetFailures(host: string, port: number): void {
    this.down.delete(`${host}:${port}`);
    const prefix = `${host}:${port}\u0000`;
    for (const key of [...this.failures.keys()]) if (key.startsWith(prefix)) this.failures.delete(key);
  }

  /**
   * A probe found no sshd at host:port: until `forMs` has passed (or forgetFailures), exec there
   * fails at once with UnreachableError instead of waiting out a connect timeout, so status can
   * say so within seconds of a lost connection.
   */
  markDown(host: string, port: number, detail: string, forMs: number): void {
    const endpoint = `${host}:${port}`;
    this.down.set(endpoint, { until: this.options.now() + forMs, error: new UnreachableError(endpoint, detail) });
  }

  /** How many connections this executor has opened so far (for tests and debugging). */
  get connectionsOpened(): number {
    return this.opened;
  }

  /** Connections established and not yet closed (pooled or retiring). */
  get openConnections(): number {
    return this.live;
  }

  /** The live pooled connections. */
  async connections(): Promise<ConnectionStats[]> {
    const stats: ConnectionStats[] = [];
    for (const entry of this.pool.values()) {
      const connection = await entry.connection.catch(() => undefined);
      if (!connection || connection.closed) continue;
      const [endpoint, user] = splitEndpointUser(entry.endpointUser);
      stats.push({ endpoint, user, activeChannels: connection.activeChannels, peakChannels: connection.peakChannels });
    }
    return stats;
  }

  private async execOnce(target: SshTarget, command: string, options: ExecOptions, started: number): Promise<Ssh2ExecResult> {
    const timeoutMs = options.timeoutMs ?? this.options.defaultTimeoutMs;
    const wrapped = wrapRemoteCommand(command, {
      user: target.user,
      asRoot: options.asRoot ?? false,
      timeoutMs,
      killAfterMs: this.options.killAfterMs,
    });
    const request = {
      command: wrapped,
      stdin: options.stdin,
      timeoutMs,
      deadlineMs: timeoutMs + this.options.killAfterMs + this.options.timeoutGraceMs,
      maxOutputBytes: Math.min(this.options.maxOutputBytes, options.maxOutputBytes ?? Infinity),
    };

    const first = await this.connectionFor(target);
    let connection = first.connection;
    let raw;
    try {
      raw = await connection.run(request);
    } catch (err) {
      // A pooled connection can close while this command waited for a channel slot (sshd
      // restarted, Pi rebooted). Nothing was sent on it, so one try on a fresh connection is
      // safe; once the request may have left, the caller decides (the command may have run).
      if (!(first.reused && err instanceof ConnectionLostError && !err.commandMayHaveRun)) throw err;
      connection = (await this.connectionFor(target)).connection;
      raw = await connection.run(request);
    }

    const durationMs = performance.now() - started;
    const stdout = raw.stdout.toString('utf8');
    const stderr = raw.stderr.toString('utf8');
    if (endedLikeRemoteTimeout(raw.code, raw.signal) && durationMs >= timeoutMs) {
      // The command cannot have run longer than the time since exec was called, so a timeout
      // ending only counts when that much time has passed; an early 124 is the command's own.
      throw new CommandTimeoutError(connection.endpoint, timeoutMs, stdout, stderr);
    }
    return {
      code: raw.code,
      signal: raw.signal,
      stdout,
      stderr,
      stdoutBytes: raw.stdout,
      truncated: raw.truncated,
      durationMs,
      hostKey: connection.hostKey,
    };
  }

  private async connectionFor(target: SshTarget): Promise<{ connection: Connection; reused: boolean }> {
    if (this.closing) throw new ExecutorClosedError(`${target.host}:${target.port}`, 'executor is closed');
    const endpoint = `${target.host}:${target.port}`;
    const key = poolKey(target);
    const existing = this.pool.get(key);
    if (existing) {
      const connection = await existing.connection;
      if (!connection.closed) {
        verifyKnownHostKey(endpoint, target.hostKey, connection.hostKey);
        return { connection, reused: true };
      }
      if (this.pool.get(key) === existing) this.pool.delete(key);
      return this.connectionFor(target);
    }

    const down = this.down.get(endpoint);
    if (down && this.options.now() < down.until) throw down.error;
    const expectation = expectationId(target.hostKey);
    const failure = this.failures.get(key);
    if (failure && failure.expectation === expectation && this.options.now() < failure.retryAt) {
      // Still backing off from the last failure: report it again without touching the host.
      throw failure.error;
    }

    const endpointUser = `${endpoint}\u0000${target.user}`;
    for (const [otherKey, other] of this.pool) {
      // A new key for the same host and user replaces the old connection once it is idle.
      if (otherKey !== key && other.endpointUser === endpointUser) {
        this.pool.delete(otherKey);
        other.connection.then(
          (c) => c.retire(),
          () => undefined,
        );
      }
    }

    const entry: PoolEntry = { connection: Connection.open(target, this.settings), endpointUser };
    this.pool.set(key, entry);
    try {
      const connection = await entry.connection;
      this.opened++;
      this.live++;
      this.failures.delete(key);
      connection.onClose((cause) => {
        this.live--;
        if (this.pool.get(key) === entry) this.pool.delete(key);
        if (cause.lost && !this.closing) {
          for (const listener of this.lostListeners)
            listener({ host: target.host, port: target.port, user: target.user, detail: cause.detail });
        }
      });
      if (this.closing) connection.close();
      return { connection, reused: false };
    } catch (err) {
      if (this.pool.get(key) === entry) this.pool.delete(key);
      if (err instanceof SshError) {
        const count = (failure?.count ?? 0) + 1;
        this.failures.set(key, {
          count,
          retryAt: this.options.now() + backoffDelay(count, this.options.backoff),
          error: err,
          expectation,
        });
      }
      throw err;
    }
  }

  private observe(started: number, outcome: CommandOutcome): void {
    this.observer?.onCommand((performance.now() - started) / 1000, outcome);
  }
}

/** Pool identity: endpoint, user and a digest of the key, so a new credential gets a new connection. */
function poolKey(target: SshTarget): string {
  const keyId = createHash('sha256').update(target.privateKey).digest('hex');
  return `${target.host}:${target.port}\u0000${target.user}\u0000${keyId}`;
}

function splitEndpointUser(endpointUser: string): [string, string] {
  const [endpoint = '', user = ''] = endpointUser.split('\u0000');
  return [endpoint, user];
}

function expectationId(expectation: HostKeyExpectation): string {
  return expectation.policy === 'Pinned' ? `P ${expectation.key}` : `T ${expectation.known ?? ''}`;
}

/** A reused connection was verified under an older expectation; check the current one. */
function verifyKnownHostKey(endpoint: string, expectation: HostKeyExpectation, presented: string): void {
  const verdict = checkHostKey(expectation, presented);
  if (!verdict.accept) throw new HostKeyMismatchError(endpoint, verdict.expected, presented);
}

function outcomeOf(result: ExecResult): CommandOutcome {
  if (result.signal !== null) return 'signal';
  return result.code === 0 ? 'success' : 'nonzero';
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<T>;
}
