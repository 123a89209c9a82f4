// The part of MinIO's server command line and environment the stand-in honours:
//   minio server [VOLUMES...] --address :9000 --console-address :9001
// with MINIO_VOLUMES used when no volume is given, and MINIO_ROOT_USER / MINIO_ROOT_PASSWORD.
export interface ServerConfig {
  volumes: string[];
  apiPort: number;
  consolePort: number;
  rootUser: string;
  rootPassword: string;
}

export class UsageError extends Error {}

function portOf(address: string, flag: string): number {
  const port = Number(address.slice(address.lastIndexOf(':') + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${flag} ${address}: not HOST:PORT or :PORT`);
  return port;
}

export function parseServerCommandLine(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ServerConfig {
  if (argv[0] !== 'server') throw new UsageError('usage: minio server VOLUMES... [--address :9000] [--console-address :9001]');
  let apiPort = 9000;
  let consolePort = 0;
  const volumes: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [flag, inline] = arg.startsWith('--') ? arg.split('=', 2) : [arg, undefined];
    if (flag === '--address' || flag === '--console-address') {
      const value = inline ?? argv[++i];
      if (!value) throw new UsageError(`${flag} needs a value`);
      if (flag === '--address') apiPort = portOf(value, flag);
      else consolePort = portOf(value, flag);
    } else if (arg.startsWith('--')) {
      throw new UsageError(`flag ${arg} is not supported by the stand-in`);
    } else {
      volumes.push(arg);
    }
  }
  if (volumes.length === 0) volumes.push(...(env.MINIO_VOLUMES ?? '').split(/\s+/).filter(Boolean));
  if (volumes.length === 0) throw new UsageError('no volumes: pass them or set MINIO_VOLUMES');
  const rootUser = env.MINIO_ROOT_USER ?? '';
  const rootPassword = env.MINIO_ROOT_PASSWORD ?? '';
  // MinIO's own limits for root credentials.
  if (rootUser.length < 3) throw new UsageError('MINIO_ROOT_USER must be at least 3 characters');
  if (rootPassword.length < 8) throw new UsageError('MINIO_ROOT_PASSWORD must be at least 8 characters');
  return { volumes, apiPort, consolePort, rootUser, rootPassword };
}
