// MinIO's record of a drive's deployment, as the stand-in keeps it: `.minio.sys/format.json` in
// each of this node's usable drives, `{"version":"1","format":"xl","id":<deployment ID>,"xl":{…}}`
// as MinIO writes it. Real MinIO nodes agree on the deployment ID when the first one formats the
// pool; the stand-in's nodes do not talk, so each derives the same ID from the pool's endpoint
// list. A drive already formatted for another deployment is refused, as MinIO refuses it.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint } from './ellipses.ts';

/** The deployment ID every node of a pool with these endpoints computes. */
export function deploymentIdOf(endpoints: readonly Endpoint[]): string {
  const list = endpoints.map((e) => `${e.host}:${e.port}${e.path}`).join('\n');
  const h = createHash('sha256').update(list).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Formats each drive that has no format.json yet; returns the drives formatted for another deployment. */
export function formatDrives(drives: readonly string[], deploymentId: string): string[] {
  const foreign: string[] = [];
  for (const drive of drives) {
    const file = join(drive, '.minio.sys', 'format.json');
    if (existsSync(file)) {
      const id = (JSON.parse(readFileSync(file, 'utf8')) as { id?: string }).id;
      if (id !== deploymentId) foreign.push(`${drive} (deployment ${id})`);
      continue;
    }
    mkdirSync(join(drive, '.minio.sys'), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify({
        version: '1',
        format: 'xl',
        id: deploymentId,
        xl: { version: '3', this: randomUUID(), distributionAlgo: 'SIPMOD+PARITY' },
      }),
    );
  }
  return foreign;
}
