// Serves /metrics (Prometheus text format) from a registry on its own listener, the
// `--metrics-bind-address` of controller-runtime.
import express from 'express';
import type { Registry } from 'prom-client';
import { listen, type BoundServer } from './listen.ts';

export function startMetricsServer(registry: Registry, bindAddress: string): Promise<BoundServer> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/metrics', async (_req, res) => {
    try {
      const body = await registry.metrics();
      res.set('Content-Type', registry.contentType).send(body);
    } catch (err) {
      res
        .status(500)
        .type('text/plain')
        .send(err instanceof Error ? err.message : String(err));
    }
  });
  return listen(app, bindAddress);
}
