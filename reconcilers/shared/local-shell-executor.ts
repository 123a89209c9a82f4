// An Executor that runs commands on THIS machine through `sh -c` instead of over SSH, optionally
// behind an argv prefix (e.g. `nsenter -t PID -m -u --` to run inside a sandbox namespace). For
// tests and benchmarks of the remote scripts: the shell and the tools are real, only the
// transport is skipped. `asRoot` is ignored (the caller already is whoever it is).
import { spawn } from 'node:child_process';
import type { ExecOptions, ExecResult, Executor, SshTarget } from '../../ssh/executor.ts';

export interface LocalShellExecutorOptions {
  /** argv placed before `sh -c COMMAND`. */
  prefix?: string[];
  /** Reported as the host key of every "connection". */
  hostKey?: string;
  defaultTimeoutMs?: number;
}

export interface LocalExecRecord {
  command: string;
  stdin: string;
  asRoot: boolean;
}

export class LocalShellExecutor implements Executor {
  readonly calls: LocalExecRecord[] = [];
  private readonly prefix: string[];
  private readonly hostKey: string;
  private readonly defaultTimeoutMs: number;

  constructor(options: LocalShellExecutorOptions = {}) {
    this.prefix = options.prefix ?? [];
    this.hostKey = options.hostKey ?? 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILocalShellExecutorHostKey';
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 120_000;
  }

  exec(_target: SshTarget, command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const stdin = options.stdin === undefined ? '' : options.stdin.toString();
    this.calls.push({ command, stdin, asRoot: options.asRoot === true });
    const argv = [...this.prefix, 'sh', '-c', command];
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? this.defaultTimeoutMs);
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          durationMs: Date.now() - started,
          hostKey: this.hostKey,
        });
      });
      child.stdin.on('error', () => undefined); // the command may exit without reading stdin
      child.stdin.end(stdin);
    });
  }

  async close(): Promise<void> {}
}
