// Which endpoints of the pool are this machine: the hosts MinIO would call "local" (an address of
// one of its interfaces, or its hostname) on the port it serves.
import { accessSync, constants, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import type { Endpoint } from './ellipses.ts';

export function localNames(): Set<string> {
  const names = new Set<string>(['localhost', hostname()]);
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) names.add(a.address);
  return names;
}

export function isLocal(endpoint: Endpoint, apiPort: number, names: ReadonlySet<string>): boolean {
  return endpoint.port === apiPort && names.has(endpoint.host);
}

/** A drive is online when it is a directory this process can write. */
export function driveOnline(path: string): boolean {
  try {
    if (!statSync(path).isDirectory()) return false;
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
