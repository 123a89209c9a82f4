// Runs a command on a node with the system OpenSSH client, pinning host keys through a
// known_hosts file and StrictHostKeyChecking=yes, so a wrong or changed key makes it fail.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCommand, type CommandResult } from './run-command.ts';

export interface SystemSshOptions {
  address: string;
  port?: number;
  user: string;
  /** Path of the private key file. */
  identity: string;
  /** known_hosts text: the only host keys accepted. */
  knownHosts: string;
  command: string;
  connectTimeoutSeconds?: number;
  timeoutMs?: number;
}

export async function systemSsh(options: SystemSshOptions): Promise<CommandResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-ssh-'));
  try {
    const knownHostsFile = join(dir, 'known_hosts');
    writeFileSync(knownHostsFile, options.knownHosts);
    return await runCommand(
      'ssh',
      [
        '-F',
        '/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHostsFile}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        `ConnectTimeout=${options.connectTimeoutSeconds ?? 5}`,
        '-o',
        'LogLevel=ERROR',
        '-i',
        options.identity,
        '-p',
        String(options.port ?? 22),
        '-l',
        options.user,
        options.address,
        options.command,
      ],
      { timeoutMs: options.timeoutMs ?? 30_000 },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
