// One SSH connection to one host, made with a fresh ssh2 Client: host key checked before
// anything is sent, keepalive on, at most `maxChannels` commands at once, closed when idle.
import { Client } from 'ssh2';
import type { ClientChannel, ConnectConfig } from 'ssh2';
import type { SshTarget } from './executor.ts';
import { checkHostKey, hostKeyAlgorithmsFor, hostKeyLine } from './host-key.ts';
import { Semaphore } from './semaphore.ts';
import {
  AuthenticationError,
  ChannelOpenError,
  CommandTimeoutError,
  ConnectionLostError,
  HostKeyMismatchError,
  InvalidCredentialsError,
  UnreachableError,
} from './errors.ts';
import type { SshError } from './errors.ts';

export interface ConnectionSettings {
  readyTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  maxChannels: number;
  /** 0 keeps an idle connection open (its keepalives are then the host's liveness signal). */
  idleCloseMs: number;
}

/** Why a connection ended: closed by bramble (idle, retired, shutdown), or lost. */
export interface CloseCause {
  /** True when the other side, the network or a missed keepalive ended it. */
  lost: boolean;
  detail: string;
}

export interface ChannelRequest {
  command: string;
  stdin?: string | Buffer;
  /** When to give up on the client side: signal the command, close the channel, fail. */
  deadlineMs: number;
  /** The timeout the caller asked for, reported in CommandTimeoutError. */
  timeoutMs: number;
  maxOutputBytes: number;
}

export interface ChannelResult {
  code: number | null;
  signal: string | null;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
}

type HostKeyAlgorithms = NonNullable<NonNullable<ConnectConfig['algorithms']>['serverHostKey']>;

/** How long a channel may take to close after we asked it to, before the connection is dropped. */
const channelCloseGraceMs = 2_000;

export class Connection {
  private readonly channels: Semaphore;
  private readonly closeListeners: ((cause: CloseCause) => void)[] = [];
  private readonly running = new Set<() => void>();
  private idleTimer: NodeJS.Timeout | undefined;
  private isClosed = false;
  private closeRequested = false;
  private lastError: string | undefined;
  private cause: CloseCause | undefined;
  private retired = false;
  private active = 0;

  private constructor(
    private readonly client: Client,
    readonly endpoint: string,
    /** The host key this server presented (OpenSSH public key line). */
    readonly hostKey: string,
    private readonly settings: ConnectionSettings,
  ) {
    this.channels = new Semaphore(settings.maxChannels);
    client.on('error', (err: Error) => {
      // Keepalive timeouts and socket errors end up here; 'close' follows and cleans up.
      this.lastError = err.message;
    });
    client.on('close', () => this.onClosed());
    this.armIdleTimer();
  }

  /** Connects with a fresh Client. Rejects with a typed error; on a host key mismatch nothing is sent. */
  static open(target: SshTarget, settings: ConnectionSettings): Promise<Connection> {
    const endpoint = `${target.host}:${target.port}`;
    const client = new Client();
    let presented: string | undefined;
    let mismatch: HostKeyMismatchError | undefined;

    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (err: SshError): void => {
        if (settled) return;
        settled = true;
        client.destroy();
        reject(mismatch ?? err);
      };
      client.on('ready', () => {
        if (settled) return;
        settled = true;
        client.removeAllListeners('ready');
        resolve(new Connection(client, endpoint, presented ?? '', settings));
      });
      client.on('error', (err: Error & { level?: string }) => fail(classifyConnectError(endpoint, err)));
      // A server may close the socket without an error (e.g. MaxStartups); still a failure.
      client.on('close', () => fail(new UnreachableError(endpoint, `${endpoint} closed the connection during the handshake`)));
      const serverHostKey = hostKeyAlgorithmsFor(target.hostKey);
      try {
        client.connect({
          ...(serverHostKey ? { algorithms: { serverHostKey: serverHostKey as HostKeyAlgorithms } } : {}),
          host: target.host,
          port: target.port,
          username: target.user,
          privateKey: target.privateKey,
          readyTimeout: settings.readyTimeoutMs,
          keepaliveInterval: settings.keepaliveIntervalMs,
          keepaliveCountMax: settings.keepaliveCountMax,
          tryKeyboard: false,
          // The key is the only credential: skip the "none" probe and never fall back to others.
          authHandler: ['publickey'],
          // Runs during key exchange, before user authentication: rejecting here sends nothing.
          hostVerifier: (blob: Buffer): boolean => {
            let line: string;
            try {
              line = hostKeyLine(blob);
            } catch {
              mismatch = new HostKeyMismatchError(endpoint, describeExpected(target), 'unparseable host key');
              return false;
            }
            presented = line;
            const verdict = checkHostKey(target.hostKey, line);
            if (!verdict.accept) {
              mismatch = new HostKeyMismatchError(endpoint, verdict.expected, line);
              return false;
            }
            return true;
          },
        });
      } catch (err) {
        // ssh2 parses the private key synchronously, before any socket is opened. Its message is
        // not passed on: for a damaged key it quotes bytes of the key.
        void err;
        fail(new InvalidCredentialsError(endpoint, `private key for ${endpoint} is not a usable OpenSSH or PEM private key`));
      }
    });
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get activeChannels(): number {
    return this.channels.inUse;
  }

  /** The most channels this connection ever had open at once. */
  get peakChannels(): number {
    return this.channels.highWater;
  }

  onClose(listener: (cause: CloseCause) => void): void {
    if (this.cause) listener(this.cause);
    else this.closeListeners.push(listener);
  }

  /** Close as soon as no command is running (a newer credential replaced this connection). */
  retire(): void {
    this.retired = true;
    if (this.active === 0) this.close();
  }

  close(): void {
    if (this.isClosed) return;
    this.closeRequested = true;
    this.client.end();
    // end() waits for the server; destroy if it does not answer.
    setTimeout(() => this.client.destroy(), channelCloseGraceMs).unref();
  }

  /** Runs one command on its own channel; waits for a free channel slot first. */
  async run(request: ChannelRequest): Promise<ChannelResult> {
    if (this.isClosed) throw new ConnectionLostError(this.endpoint, `connection to ${this.endpoint} is closed`, false);
    this.active++;
    this.disarmIdleTimer();
    const release = await this.channels.acquire();
    try {
      return await this.runOnChannel(request, release);
    } finally {
      this.active--;
      if (this.retired && this.active === 0) this.close();
      else this.armIdleTimer();
    }
  }

  private runOnChannel(request: ChannelRequest, release: () => void): Promise<ChannelResult> {
    const endpoint = this.endpoint;
    return new Promise<ChannelResult>((resolve, reject) => {
      let settled = false;
      const settle = (fn: () => void): void => {
        if (settled) return;
        settled = true;
        this.running.delete(onConnectionLost);
        fn();
      };
      // Once the exec request may have left, the command may have run: only a connection that
      // was already closed before anything was sent counts as "never started".
      const lose = (mayHaveRun: boolean): void => {
        release();
        settle(() => reject(new ConnectionLostError(endpoint, `connection to ${endpoint} was lost`, mayHaveRun)));
      };
      const onConnectionLost = (): void => lose(true);
      let opened: ClientChannel | undefined;
      if (this.isClosed) {
        lose(false);
        return;
      }
      this.running.add(onConnectionLost);

      const out = new OutputBuffer(request.maxOutputBytes);
      const err = new OutputBuffer(request.maxOutputBytes);

      const timer = setTimeout(() => {
        // The remote `timeout` should already have ended the command; this is the fallback
        // for a stalled channel or connection.
        settle(() => reject(new CommandTimeoutError(endpoint, request.timeoutMs, out.text(), err.text())));
        if (!opened) return;
        const channel = opened;
        signalChannel(channel, 'TERM');
        channel.close();
        setTimeout(() => {
          // A channel that will not close holds a server session slot: drop the connection.
          if (!channelClosed) this.client.destroy();
        }, channelCloseGraceMs).unref();
      }, request.deadlineMs);

      let channelClosed = false;
      this.client.exec(request.command, (openErr, channel) => {
        if (openErr) {
          clearTimeout(timer);
          release();
          // Only a refused channel open proves the command was never sent.
          const refused = /channel open failure/i.test(openErr.message);
          settle(() =>
            reject(
              refused
                ? new ChannelOpenError(endpoint, `${endpoint} refused a channel: ${openErr.message}`, { cause: openErr })
                : new ConnectionLostError(endpoint, `exec on ${endpoint} failed: ${openErr.message}`, true, { cause: openErr }),
            ),
          );
          return;
        }
        opened = channel;
        let code: number | null = null;
        let signal: string | null = null;
        let exited = false;
        // Both streams are always read to the end, or the channel's window fills and it hangs.
        channel.on('data', (chunk: Buffer) => out.push(chunk));
        channel.stderr.on('data', (chunk: Buffer) => err.push(chunk));
        channel.on('exit', (exitCode: number | null, signalName?: string) => {
          exited = true;
          if (typeof exitCode === 'number') code = exitCode;
          else signal = signalName ?? null;
        });
        channel.on('error', () => {
          // Reported through 'close' without an exit status.
        });
        channel.on('close', () => {
          channelClosed = true;
          clearTimeout(timer);
          release();
          if (!exited) {
            settle(() => reject(new ConnectionLostError(endpoint, `channel to ${endpoint} closed without an exit status`, true)));
            return;
          }
          settle(() => resolve({ code, signal, stdout: out.bytes(), stderr: err.bytes(), truncated: out.truncated || err.truncated }));
        });
        if (settled) {
          // Timed out while the channel was opening: never start the command.
          channel.close();
          return;
        }
        if (request.stdin !== undefined) channel.end(request.stdin);
        else channel.end();
      });
    });
  }

  private onClosed(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.disarmIdleTimer();
    const cause: CloseCause = this.closeRequested
      ? { lost: false, detail: 'closed by bramble' }
      : { lost: true, detail: this.lastError ?? `${this.endpoint} closed the connection` };
    this.cause = cause;
    for (const fail of [...this.running]) fail();
    for (const listener of this.closeListeners.splice(0)) listener(cause);
  }

  private armIdleTimer(): void {
    this.disarmIdleTimer();
    if (this.isClosed || this.active > 0 || this.settings.idleCloseMs <= 0) return;
    this.idleTimer = setTimeout(() => this.close(), this.settings.idleCloseMs);
    this.idleTimer.unref();
  }

  private disarmIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}

/**
 * Sends a signal request on a session channel. ssh2's `channel.signal()` does nothing once the
 * channel's stdin is ended (it checks `writable`), and stdin is always ended right away here,
 * so the request goes through the protocol object directly. OpenSSH delivers it with killpg()
 * to the session's process group; servers that refuse it still get the channel closed.
 */
function signalChannel(channel: ClientChannel, name: string): void {
  const internals = channel as unknown as {
    outgoing?: { id?: number; state?: string };
    _client?: { _protocol?: { signal?: (id: number, signal: string) => void } };
  };
  const id = internals.outgoing?.id;
  const protocol = internals._client?._protocol;
  const state = internals.outgoing?.state;
  if ((state !== 'open' && state !== 'eof') || typeof id !== 'number' || typeof protocol?.signal !== 'function') return;
  try {
    protocol.signal(id, name);
  } catch {
    // A closing transport cannot take the request; closing the channel still follows.
  }
}

/** Collects a stream's chunks up to a cap; past the cap it keeps reading but drops the bytes. */
class OutputBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;

  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.truncated = true;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) this.truncated = true;
    this.chunks.push(kept);
    this.size += kept.length;
  }

  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }

  text(): string {
    return this.bytes().toString('utf8');
  }
}

function classifyConnectError(endpoint: string, err: Error & { level?: string }): SshError {
  const detail = err.message;
  switch (err.level) {
    case 'client-authentication':
      return new AuthenticationError(endpoint, `${endpoint} refused the credentials: ${detail}`, { cause: err });
    case 'client-timeout':
      return new UnreachableError(endpoint, `${endpoint} did not complete the SSH handshake in time: ${detail}`, { cause: err });
    default:
      return new UnreachableError(endpoint, `cannot reach ${endpoint}: ${detail}`, { cause: err });
  }
}

function describeExpected(target: SshTarget): string {
  return target.hostKey.policy === 'Pinned' ? target.hostKey.key : (target.hostKey.known ?? '');
}
