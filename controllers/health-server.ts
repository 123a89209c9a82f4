// `/healthz` (the process is alive and serving) and `/readyz` (every informer has synced), on
// the `--health-probe-bind-address` listener, for the Deployment's probes.
import express from 'express';
import { listen, type BoundServer } from '../metrics/listen.ts';

export function startHealthServer(bindAddress: string, isReady: () => boolean): Promise<BoundServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.type('text/plain').send('ok');
  });
  app.get('/readyz', (_req, res) => {
    if (isReady()) res.type('text/plain').send('ok');
    else res.status(503).type('text/plain').send('informers not synced');
  });
  return listen(app, bindAddress);
}
