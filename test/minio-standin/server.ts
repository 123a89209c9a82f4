// THE MINIO STAND-IN. bramble's end-to-end tests cannot download the real MinIO server, so this
// program plays its part on the simulated Pis (built into a single executable by build.ts). It
// honours MinIO's server command line and root credentials, answers MinIO's health endpoints,
// and serves a real S3 API (SigV4 with the root credentials) from @20minutes/s3rver, storing
// objects on this node's first drive. It is NOT MinIO: no erasure coding, no replication
// between nodes, no admin API, no IAM beyond the root user. See README.md.
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import S3rver from '@20minutes/s3rver';
import accounts from '@20minutes/s3rver/lib/models/account.js';
import { endpointsOf, type Endpoint } from './ellipses.ts';
import { parseServerCommandLine, UsageError } from './command-line.ts';
import { driveOnline, isLocal, localNames } from './local-node.ts';
import { writeQuorum } from './quorum.ts';
import { deploymentIdOf, formatDrives } from './format.ts';

const peerTimeoutMs = 1000;

function peerLive(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/minio/health/live', method: 'GET', timeout: peerTimeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Drives online across the pool: this node's drives that are usable, and every drive of a live peer. */
async function drivesOnline(endpoints: readonly Endpoint[], apiPort: number, names: ReadonlySet<string>): Promise<number> {
  const hosts = new Map<string, Endpoint[]>();
  for (const e of endpoints) hosts.set(`${e.host}:${e.port}`, [...(hosts.get(`${e.host}:${e.port}`) ?? []), e]);
  const counts = await Promise.all(
    [...hosts.values()].map(async (drives) => {
      const first = drives[0] as Endpoint;
      if (isLocal(first, apiPort, names)) return drives.filter((d) => driveOnline(d.path)).length;
      return (await peerLive(first.host, first.port)) ? drives.length : 0;
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

function accessDenied(res: ServerResponse): void {
  res.writeHead(403, { 'Content-Type': 'application/xml' });
  res.end('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
}

function signed(req: IncomingMessage): boolean {
  const query = new URL(req.url ?? '/', 'http://x').searchParams;
  return req.headers.authorization !== undefined || query.has('X-Amz-Algorithm') || query.has('Signature');
}

/**
 * The process is named after its file, as MinIO's is (`ps -C minio`, `pgrep minio`). A single
 * executable built from Node 24 names its main thread "MainThread"; process.title would fix that
 * but also overwrite the command line, which tests read, so only the thread name is set.
 */
function nameProcess(): void {
  try {
    writeFileSync('/proc/self/comm', basename(process.execPath).slice(0, 15));
  } catch {
    // Not Linux, or /proc is not mounted: the name is cosmetic.
  }
}

function main(): void {
  nameProcess();
  let config;
  try {
    config = parseServerCommandLine(process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`minio (stand-in): ${error.message}`);
    process.exit(1);
  }
  const endpoints = endpointsOf(config.volumes);
  const names = localNames();
  const local = endpoints.filter((e) => isLocal(e, config.apiPort, names));
  if (local.length === 0) {
    console.error('minio (stand-in): no endpoint in the volumes is this host');
    process.exit(1);
  }
  const drive = local.find((d) => driveOnline(d.path));
  if (!drive) {
    console.error(`minio (stand-in): no usable drive among ${local.map((d) => d.path).join(' ')}`);
    process.exit(1);
  }
  const foreign = formatDrives(
    local.filter((d) => driveOnline(d.path)).map((d) => d.path),
    deploymentIdOf(endpoints),
  );
  if (foreign.length) {
    console.error(`minio (stand-in): drives formatted for another deployment: ${foreign.join(', ')}`);
    process.exit(1);
  }
  // Only the root credentials sign requests: the library's built-in key pair goes.
  accounts.DUMMY_ACCOUNT.revokeAccessKey('S3RVER');
  accounts.DUMMY_ACCOUNT.createKeyPair(config.rootUser, config.rootPassword);
  const s3 = new S3rver({ directory: drive.path, silent: true }).callback();
  const quorum = writeQuorum(endpoints.length);

  const api = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/minio/health/live') {
      res.writeHead(200).end();
    } else if (path === '/minio/health/cluster') {
      void drivesOnline(endpoints, config.apiPort, names).then((online) => {
        res.writeHead(online >= quorum ? 200 : 503, { 'X-Minio-Write-Quorum': String(quorum) }).end();
      });
    } else if (!signed(req)) {
      accessDenied(res);
    } else {
      s3(req, res);
    }
  });
  const consoleServer = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('MinIO console (stand-in)\n');
  });
  api.listen(config.apiPort);
  if (config.consolePort) consoleServer.listen(config.consolePort);
  console.log(
    `minio (stand-in): S3 API on :${config.apiPort}, ${endpoints.length} drives in the pool, write quorum ${quorum}, data on ${drive.path}`,
  );
  const stop = () => {
    api.close();
    consoleServer.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
