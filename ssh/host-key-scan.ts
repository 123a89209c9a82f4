// Reads the host key a server presents, as `ssh-keyscan` does: the key exchange runs, the key
// is taken from ssh2's hostVerifier and refused there, so no user name, key or command is ever
// sent. `bramble add-pi` uses it to show the key to compare before anything trusts it.
import { Client, type ConnectConfig } from 'ssh2';
import { hostKeyLine } from './host-key.ts';
import { UnreachableError } from './errors.ts';

type HostKeyAlgorithms = NonNullable<NonNullable<ConnectConfig['algorithms']>['serverHostKey']>;

export interface HostKeyScanOptions {
  port?: number;
  /** The host key type to ask for (default ssh-ed25519, what Raspberry Pi OS makes and README pins). */
  algorithm?: string;
  timeoutMs?: number;
}

/** The server's host key as an OpenSSH line ("ssh-ed25519 AAAA…"); rejects when none was presented. */
export function scanHostKey(host: string, options: HostKeyScanOptions = {}): Promise<string> {
  const port = options.port ?? 22;
  const endpoint = `${host}:${port}`;
  const client = new Client();
  let presented: string | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error): void => {
      if (settled) return;
      settled = true;
      client.destroy();
      if (presented) resolve(presented);
      else reject(err ?? new UnreachableError(endpoint, `${endpoint} presented no host key`));
    };
    client.on('error', (err: Error) => finish(new UnreachableError(endpoint, `${endpoint}: ${err.message}`)));
    client.on('close', () => finish());
    client.on('ready', () => finish());
    client.connect({
      host,
      port,
      username: 'bramble-host-key-scan',
      readyTimeout: options.timeoutMs ?? 10_000,
      algorithms: { serverHostKey: [options.algorithm ?? 'ssh-ed25519'] as HostKeyAlgorithms },
      // Refusing the key ends the handshake before authentication: nothing else is sent.
      hostVerifier: (blob: Buffer): boolean => {
        try {
          presented = hostKeyLine(blob);
        } catch {
          presented = undefined;
        }
        return false;
      },
    });
  });
}
