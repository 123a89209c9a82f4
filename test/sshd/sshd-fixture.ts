// A real OpenSSH server for tests: `sshd -D -e` on 127.0.0.1 and a free port, with a temporary
// host key, authorized_keys and config, stopped by PID (with every process it forked).
// scripts/setup/20-sshd.sh installs the binary and the `bramble-test` sudo user.
import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomInt } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostKeyExpectation, SshTarget } from '../../ssh/executor.ts';
import { freePort } from '../free-port.ts';

const sshdBinary = '/usr/sbin/sshd';
/** The non-root sudo user scripts/setup/20-sshd.sh creates, like Raspberry Pi OS's default user. */
export const sudoUser = 'bramble-test';

export interface SshdFixture {
  readonly host: string;
  readonly port: number;
  /** Every port it listens on: `port` first, then the `extraPorts` asked for. */
  readonly ports: readonly number[];
  /** The server's ed25519 host key as an OpenSSH public key line ("ssh-ed25519 AAAA…"). */
  readonly hostKey: string;
  /** Its other host keys, as a Pi has them: RSA and ECDSA. */
  readonly rsaHostKey: string;
  readonly ecdsaHostKey: string;
  /** Private keys authorized for every user (OpenSSH format). */
  readonly clientKeys: readonly [string, string];
  /** A private key that is NOT authorized. */
  readonly strangerKey: string;
  /** Whether the sudo user exists on this machine. */
  readonly hasSudoUser: boolean;
  /** Everything sshd and its session processes logged so far. */
  log(): string;
  /** A target for this server; pinned to its real host key unless overridden. */
  target(overrides?: Partial<SshTarget> & { hostKey?: HostKeyExpectation }): SshTarget;
  /**
   * Freezes (SIGSTOP) the per-connection sshd processes, as a hung Pi or a dead link would look
   * from the client; returns the function that thaws them.
   */
  freezeConnections(): () => void;
  /** Ends every open connection (the session processes and their commands); keeps listening. */
  dropConnections(): Promise<void>;
  /** Stops sshd and every session it forked, then starts it again on the same port and keys. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface SshdOptions {
  /** More ports to listen on (sshd takes at most 16 listen sockets), each a separate "host" to a client's connection pool. */
  extraPorts?: number;
}

export async function startSshd(options: SshdOptions = {}): Promise<SshdFixture> {
  if (!existsSync(sshdBinary)) {
    throw new Error(`${sshdBinary} is missing: run scripts/setup.sh as root (scripts/setup/20-sshd.sh installs it)`);
  }
  // sshd refuses to start without its privilege separation directory; /run is emptied at boot.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

  const dir = mkdtempSync(join(tmpdir(), 'bramble-sshd-'));
  // The sudo user's session reads authorized_keys as that user.
  chmodSync(dir, 0o755);
  const hostKeyPath = join(dir, 'ssh_host_ed25519_key');
  keygen(hostKeyPath, 'bramble-test-host');
  const rsaKeyPath = join(dir, 'ssh_host_rsa_key');
  keygen(rsaKeyPath, 'bramble-test-host', 'rsa');
  const ecdsaKeyPath = join(dir, 'ssh_host_ecdsa_key');
  keygen(ecdsaKeyPath, 'bramble-test-host', 'ecdsa');
  const clientA = join(dir, 'client_a');
  const clientB = join(dir, 'client_b');
  const stranger = join(dir, 'stranger');
  keygen(clientA, 'bramble-test-a');
  keygen(clientB, 'bramble-test-b');
  keygen(stranger, 'bramble-test-stranger');
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientA}.pub`, 'utf8') + readFileSync(`${clientB}.pub`, 'utf8'));
  chmodSync(authorizedKeys, 0o644);

  const port = await freePort();
  const ports = [port];
  for (let i = 0; i < (options.extraPorts ?? 0); i++) ports.push(await freePort());
  const configPath = join(dir, 'sshd_config');
  writeFileSync(
    configPath,
    [
      ...ports.map((p) => `Port ${p}`),
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKeyPath}`,
      `HostKey ${rsaKeyPath}`,
      `HostKey ${ecdsaKeyPath}`,
      `AuthorizedKeysFile ${authorizedKeys}`,
      'PidFile none',
      'StrictModes no',
      'UsePAM no',
      'PermitRootLogin prohibit-password',
      'PubkeyAuthentication yes',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'MaxSessions 10',
      'UseDNS no',
      'PrintMotd no',
      'LogLevel VERBOSE',
      '',
    ].join('\n'),
  );

  const publicLine = (path: string): string => readFileSync(`${path}.pub`, 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyLine = publicLine(hostKeyPath);
  const clientKeys: [string, string] = [readFileSync(clientA, 'utf8'), readFileSync(clientB, 'utf8')];
  const strangerKey = readFileSync(stranger, 'utf8');
  const hasSudoUser = userExists(sudoUser);

  let logText = '';
  let child: ChildProcess | undefined;

  const start = async (): Promise<void> => {
    const logStart = logText.length;
    const proc = spawn(sshdBinary, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.setEncoding('utf8');
    proc.stderr?.on('data', (text: string) => {
      logText += text;
    });
    await waitFor(
      () => ports.every((p) => logText.includes(`Server listening on 127.0.0.1 port ${p}`, logStart)),
      10_000,
      () => {
        if (proc.exitCode !== null) throw new Error(`sshd exited with ${proc.exitCode}: ${logText}`);
      },
    );
  };

  const stop = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc?.pid || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    // Session processes outlive the listener; end them first, each by its own PID.
    const pids = [...descendants(proc.pid), proc.pid];
    for (const pid of pids) signal(pid, 'SIGTERM');
    const gone = await waitFor(() => pids.every((pid) => !alive(pid)), 5_000).then(
      () => true,
      () => false,
    );
    if (!gone) {
      process.stderr.write(`sshd fixture: ${pids.filter(alive).join(' ')} ignored SIGTERM\n`);
      for (const pid of pids) signal(pid, 'SIGKILL');
    }
    await exited;
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    ports,
    hostKey: hostKeyLine,
    rsaHostKey: publicLine(rsaKeyPath),
    ecdsaHostKey: publicLine(ecdsaKeyPath),
    clientKeys,
    strangerKey,
    hasSudoUser,
    log: () => logText,
    dropConnections: async () => {
      const pids = child?.pid ? descendants(child.pid) : [];
      for (const pid of pids) signal(pid, 'SIGKILL');
      await waitFor(() => pids.every((pid) => !alive(pid)), 5_000);
    },
    freezeConnections: () => {
      const pids = child?.pid ? descendants(child.pid).filter((pid) => commandName(pid) === 'sshd') : [];
      for (const pid of pids) signal(pid, 'SIGSTOP');
      return () => {
        for (const pid of pids) signal(pid, 'SIGCONT');
      };
    },
    target: (overrides = {}) => ({
      host: '127.0.0.1',
      port,
      user: 'root',
      privateKey: clientKeys[0],
      hostKey: { policy: 'Pinned', key: hostKeyLine },
      ...overrides,
    }),
    restart: async () => {
      await stop();
      await start();
    },
    stop: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Processes whose command line contains `marker` (a unique string a test put there). */
export function processesMatching(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    if (cmdline.includes(marker)) found.push(Number(entry));
  }
  return found;
}

/** A random digit string to put in a test command's arguments, so its processes can be found. */
export function processMarker(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999));
}

/** Kills (SIGKILL, by PID) the processes `processesMatching(marker)` finds: a test's own leftovers. */
export function killProcessesMatching(marker: string): void {
  for (const pid of processesMatching(marker)) signal(pid, 'SIGKILL');
}

/** Polls `ready` until true; rejects after `timeoutMs`. `check` may throw to stop early. */
export async function waitFor(ready: () => boolean, timeoutMs: number, check?: () => void): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ready()) {
    check?.();
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function keygen(path: string, comment: string, type = 'ed25519'): void {
  const size = type === 'rsa' ? ['-b', '2048'] : [];
  execFileSync('ssh-keygen', ['-q', '-t', type, ...size, '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

function userExists(name: string): boolean {
  return readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .some((line) => line.startsWith(`${name}:`));
}

function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name may contain spaces and parentheses; fields resume after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    for (const child of children.get(pid) ?? []) {
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/** A zombie (exited, not yet reaped by whoever adopted it) counts as gone. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}
