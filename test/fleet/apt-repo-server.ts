// Serves the flat apt repository that scripts/setup/30-fleet.sh built beside the base image
// on the bridge address only, so nodes can `apt-get install` with no route to any mirror.
import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';

export interface AptRepoServer {
  url: string;
  close(): Promise<void>;
}

export async function serveAptRepo(repoDir: string, address: string): Promise<AptRepoServer> {
  const root = normalize(repoDir + sep);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://repo').pathname);
    const file = normalize(join(root, path));
    let size = -1;
    if (file.startsWith(root)) {
      try {
        const st = statSync(file);
        if (st.isFile()) size = st.size;
      } catch {
        // not there: 404 below
      }
    }
    if ((req.method !== 'GET' && req.method !== 'HEAD') || size < 0) {
      res.writeHead(req.method === 'GET' || req.method === 'HEAD' ? 404 : 405).end();
      return;
    }
    res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, address, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${address}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
