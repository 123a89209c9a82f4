// Binds an express app to a Kubernetes-style bind address (":8080", "127.0.0.1:0", "0" = off).
import type { Express } from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BoundServer {
  /** "host:port" actually bound (the port is real even when 0 was asked). */
  address: string;
  port: number;
  close(): Promise<void>;
}

export function parseBindAddress(bind: string): { host: string | undefined; port: number } {
  const idx = bind.lastIndexOf(':');
  const hostPart = idx >= 0 ? bind.slice(0, idx) : '';
  const portPart = idx >= 0 ? bind.slice(idx + 1) : bind;
  const port = Number(portPart);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid bind address "${bind}"`);
  const host = hostPart.replace(/^\[|\]$/g, '');
  return { host: host === '' ? undefined : host, port };
}

export function listen(app: Express, bindAddress: string): Promise<BoundServer> {
  const { host, port } = parseBindAddress(bindAddress);
  return new Promise((resolve, reject) => {
    const server: Server = host === undefined ? app.listen(port) : app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.off('error', reject);
      const info = server.address() as AddressInfo;
      resolve({
        address: `${info.address}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
