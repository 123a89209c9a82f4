// Waits until a node's sshd answers and presents the host key found on the node's disk, so a
// fleet is only "up" when what tests pin is what the server really shows.
import { runCommand } from './run-command.ts';
import { sleep } from './host-resources.ts';

/** The ed25519 key sshd at address:port presents ("ssh-ed25519 AAAA…"), or undefined. */
export async function scanHostKey(address: string, port = 22): Promise<string | undefined> {
  const result = await runCommand('ssh-keyscan', ['-T', '2', '-t', 'ed25519', '-p', String(port), address], {
    timeoutMs: 5_000,
  });
  for (const line of result.stdout.split('\n')) {
    const [, type, blob] = line.trim().split(/\s+/);
    if (type === 'ssh-ed25519' && blob) return `${type} ${blob}`;
  }
  return undefined;
}

export async function waitForSshd(name: string, address: string, keyOnDisk: () => string | undefined, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no host key on disk yet';
  while (Date.now() < deadline) {
    const expected = keyOnDisk();
    if (expected) {
      const presented = await scanHostKey(address);
      if (presented === expected) return expected;
      last = presented ? `sshd presents ${presented}, disk has ${expected}` : 'sshd does not answer';
    }
    await sleep(200);
  }
  throw new Error(`${name} (${address}): sshd not ready after ${timeoutMs} ms: ${last}`);
}
