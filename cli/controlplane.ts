// `bramble controlplane`: runs only the embedded control plane until interrupted.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import { parseFlags, type Flags, type FlagSpec } from './args.ts';
import { stopOnSignals } from '../controllers/signals.ts';

export const CONTROLPLANE_USAGE = `Usage: bramble controlplane [--data-dir DIR] [--listen 127.0.0.1:PORT] [--kubeconfig-out FILE] [--in-memory]
  --data-dir DIR          where state.db, the token and certificates live (default ~/.bramble)
  --listen HOST:PORT      address to serve over HTTPS (default 127.0.0.1:6443); the CA and serving
                          certificate are generated and the CA goes into the kubeconfig
  --kubeconfig-out FILE   write a kubeconfig for this server (default DATA_DIR/kubeconfig)
  --in-memory             keep nothing on disk (tests, demos)
`;

export function defaultDataDir(): string {
  return join(homedir(), '.bramble');
}

export const CONTROLPLANE_FLAGS = {
  'data-dir': 'string', listen: 'string', 'kubeconfig-out': 'string', 'in-memory': 'boolean',
} as const satisfies FlagSpec;

export async function startFromFlags(flags: Flags): Promise<{ cp: ControlPlane; kubeconfigPath?: string }> {
  const inMemory = flags['in-memory'] === true;
  const dataDir = inMemory ? undefined : String(flags['data-dir'] ?? defaultDataDir());
  const kubeconfigPath = flags['kubeconfig-out'] !== undefined
    ? String(flags['kubeconfig-out'])
    : dataDir ? join(dataDir, 'kubeconfig') : undefined;
  const cp = await startControlPlane({
    dataDir,
    inMemory,
    listen: flags.listen !== undefined ? String(flags.listen) : undefined,
    kubeconfigOut: kubeconfigPath,
  });
  return { cp, kubeconfigPath };
}

export async function controlplaneCommand(argv: string[]): Promise<void> {
  const { cp, kubeconfigPath } = await startFromFlags(parseFlags(argv, CONTROLPLANE_FLAGS));
  // Stop on SIGINT/SIGTERM so the database is closed cleanly.
  stopOnSignals(() => cp.stop());
  process.stdout.write(`bramble control plane serving at ${cp.url}\n`);
  if (kubeconfigPath) process.stdout.write(`export KUBECONFIG=${kubeconfigPath}\n`);
  else process.stdout.write(`kubeconfig:\n${cp.kubeconfig()}`);
}
