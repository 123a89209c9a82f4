// The two files a node's MinIO runs from: the systemd unit (no secrets) and the environment file
// (root credentials, MINIO_VOLUMES, MINIO_OPTS). Pure text, as MinIO documents for a systemd
// install; the env file is written with writeFileIfChanged (content on stdin, mode 0600).
import { createHash } from 'node:crypto';
import { minioPaths } from './types.ts';

export interface RootCredentials {
  user: string;
  password: string;
}

export interface EnvFileInput {
  pool: string;
  volumes: string;
  apiPort: number;
  consolePort: number;
  credentials: RootCredentials;
}

/** systemd EnvironmentFile double-quoting: backslash, quote, dollar and backtick are escaped. */
export function envQuote(value: string): string {
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new Error('control characters cannot be written to an environment file');
  return `"${value.replace(/[\\"$`]/g, (c) => `\\${c}`)}"`;
}

export function renderEnvFile(input: EnvFileInput): string {
  return [
    `# Managed by bramble for MinioPool ${input.pool}; changes here are overwritten.`,
    `MINIO_VOLUMES=${envQuote(input.volumes)}`,
    `MINIO_OPTS=${envQuote(`--address :${input.apiPort} --console-address :${input.consolePort}`)}`,
    `MINIO_ROOT_USER=${envQuote(input.credentials.user)}`,
    `MINIO_ROOT_PASSWORD=${envQuote(input.credentials.password)}`,
    '',
  ].join('\n');
}

export function renderUnit(pool: string, serviceUser: string): string {
  return [
    '[Unit]',
    `Description=MinIO object storage (managed by bramble: MinioPool ${pool})`,
    'Documentation=https://min.io/docs/minio/linux/index.html',
    'Wants=network-online.target',
    'After=network-online.target',
    `AssertFileIsExecutable=${minioPaths.binary}`,
    '',
    '[Service]',
    'Type=simple',
    `User=${serviceUser}`,
    `Group=${serviceUser}`,
    `EnvironmentFile=${minioPaths.envFile}`,
    // Unbraced $VAR: systemd splits the value into words, so every endpoint is one argument.
    `ExecStart=${minioPaths.binary} server $MINIO_OPTS $MINIO_VOLUMES`,
    'Restart=always',
    'RestartSec=5',
    'LimitNOFILE=65536',
    'TimeoutStopSec=60',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}
