// `bramble controlplane`: runs only the embedded control plane until interrupted.
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlane } from '../controlplane/index.ts';
import type { FlagSpec, FlagValues } from '../controllers/command-line.ts';
import type { Command } from './command.ts';
import { stopOnSignals } from '../controllers/signals.ts';

export const CONTROLPLANE_USAGE = `Usage: bramble controlplane [--data-dir DIR] [--listen 127.0.0.1:PORT] [--kubeconfig-out FILE] [--in-memory]
  --data-dir DIR          where state.db, the token and certificates live (default ~/.bramble)
  --listen HOST:PORT      address to serve over HTTPS (default 127.0.0.1:6443); the CA and serving
                          certificate are generated and the CA goes into the kubeconfig
  --kubeconfig-out FILE   write a kubeconfig for this server (default DATA_DIR/kubeconfig; with
                          --in-memory a private temporary file, removed on exit)
  --in-memory             keep no state on disk (tests, demos)
  Files are private (umask 077; the data dir 0700, every file in it and the kubeconfig 0600,
  narrowed on every start); the admin token is never printed.
`;

export function defaultDataDir(): string {
  return join(homedir(), '.bramble');
}

export const CONTROLPLANE_FLAGS = {
  'data-dir': { type: 'string' },
  listen: { type: 'string' },
  'kubeconfig-out': { type: 'string' },
  'in-memory': { type: 'boolean' },
} as const satisfies FlagSpec;

export interface StartedControlPlane {
  cp: ControlPlane;
  /** Where the kubeconfig (with the admin token) was written; print this, never the token. */
  kubeconfigPath: string;
  /** Stops the control plane and removes a temporary kubeconfig. */
  stop(): Promise<void>;
}

export async function startFromFlags(flags: FlagValues): Promise<StartedControlPlane> {
  // Everything this process creates is private to its user (state, token, keys, kubeconfig).
  process.umask(0o077);
  const inMemory = flags['in-memory'] === true;
  const dataDir = inMemory ? undefined : String(flags['data-dir'] ?? defaultDataDir());
  // In memory with no --kubeconfig-out, the kubeconfig goes to a fresh 0700 temporary directory.
  const scratch = flags['kubeconfig-out'] === undefined && !dataDir ? mkdtempSync(join(tmpdir(), 'bramble-kubeconfig-')) : undefined;
  const kubeconfigPath = flags['kubeconfig-out'] !== undefined ? String(flags['kubeconfig-out']) : join(dataDir ?? scratch!, 'kubeconfig');
  const removeScratch = () => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  };
  let cp: ControlPlane;
  try {
    cp = await startControlPlane({
      dataDir,
      inMemory,
      listen: flags.listen !== undefined ? String(flags.listen) : undefined,
      kubeconfigOut: kubeconfigPath,
    });
  } catch (err) {
    removeScratch();
    throw err;
  }
  return {
    cp,
    kubeconfigPath,
    stop: async () => {
      await cp.stop();
      removeScratch();
    },
  };
}

export const controlplaneCommand: Command = {
  summary: 'run only the embedded control plane',
  usage: CONTROLPLANE_USAGE,
  flags: CONTROLPLANE_FLAGS,
  run: async ({ values }) => {
    const started = await startFromFlags(values);
    // Stop on SIGINT/SIGTERM so the database is closed cleanly.
    stopOnSignals(() => started.stop());
    process.stdout.write(`bramble control plane serving at ${started.cp.url}\n`);
    process.stdout.write(`export KUBECONFIG=${started.kubeconfigPath}\n`);
  },
};
