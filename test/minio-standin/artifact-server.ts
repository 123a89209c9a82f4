// The download mirror the end-to-end test points MinioPool.spec.source.url at: a plain HTTP
// server on the fleet's bridge serving named files, counting what it served.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ArtifactServer {
  /** Base URL, ending in "/". */
  url: string;
  /** Completed downloads per served name. */
  downloads: Map<string, number>;
  close(): Promise<void>;
}

export async function serveArtifacts(host: string, files: Readonly<Record<string, string>>): Promise<ArtifactServer> {
  const downloads = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const name = (req.url ?? '/').replace(/^\//, '').split('?')[0] ?? '';
    const path = Object.hasOwn(files, name) ? files[name] : undefined;
    if (!path || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': statSync(path).size });
    createReadStream(path)
      .pipe(res)
      .on('finish', () => downloads.set(name, (downloads.get(name) ?? 0) + 1));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    downloads,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
