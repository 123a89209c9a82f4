// Test support: a throwaway "host" on this machine for running step commands for real. A process
// in its own mount and UTS namespaces gets a private copy of /etc and empty /home, /var/log and
// /var/mail, so useradd, hostname and friends change only the copy. Commands enter it with
// nsenter. Needs root; everything disappears when the holder process is killed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalShellExecutor } from './local-shell-executor.ts';

export interface NamespaceSandbox {
  pid: number;
  executor: LocalShellExecutor;
  /** Runs a command inside the sandbox and returns its stdout (throws on a non-zero exit). */
  run(command: string): Promise<string>;
  stop(): void;
}

/** The holder exits by itself after this long even if a test forgets to stop it. */
const maxLifetimeSeconds = 300;

const setup = [
  'set -e',
  'cp -a /etc "$SANDBOX_DIR/etc"',
  'mount --bind "$SANDBOX_DIR/etc" /etc',
  'mount -t tmpfs bramble-sandbox /home',
  'mount -t tmpfs bramble-sandbox /var/log',
  '[ ! -d /var/mail ] || mount -t tmpfs bramble-sandbox /var/mail',
  'echo ready',
  `exec sleep ${maxLifetimeSeconds}`,
].join('\n');

export function canUseNamespaceSandbox(): boolean {
  return process.getuid?.() === 0;
}

export async function startNamespaceSandbox(): Promise<NamespaceSandbox> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-sandbox-'));
  const holder: ChildProcess = spawn('unshare', ['--mount', '--uts', '--propagation', 'private', 'sh', '-c', setup], {
    env: { ...process.env, SANDBOX_DIR: dir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () => {
    if (holder.exitCode === null && holder.signalCode === null && holder.pid) process.kill(holder.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error('sandbox did not start within 30s')), 30_000);
      holder.stderr?.on('data', (b: Buffer) => (err += b.toString()));
      holder.stdout?.on('data', (b: Buffer) => {
        if (b.toString().includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      holder.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`sandbox exited ${code}: ${err}`));
      });
    });
  } catch (error) {
    stop();
    throw error;
  }
  const pid = holder.pid as number;
  const executor = new LocalShellExecutor({ prefix: ['nsenter', '-t', String(pid), '-m', '-u', '--'] });
  const target = { host: 'sandbox', port: 22, user: 'root', privateKey: '', hostKey: { policy: 'TrustOnFirstUse' as const } };
  return {
    pid,
    executor,
    async run(command) {
      const probe = new LocalShellExecutor({ prefix: ['nsenter', '-t', String(pid), '-m', '-u', '--'] });
      const r = await probe.exec(target, command, { timeoutMs: 30_000 });
      if (r.code !== 0) throw new Error(`sandbox command failed (${r.code}): ${command}\n${r.stderr}`);
      return r.stdout;
    },
    stop,
  };
}
