// Applies CustomResourceDefinition YAML files through the API (create, or update when one
// exists), then waits until each is served: what `kubectl apply -f crds/` does.
import { readdirSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ApiTarget {
  url: string;
  token: string;
  caCertPem?: string;
}

function call(target: ApiTarget, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const url = new URL(path, target.url);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method,
        ...(target.caCertPem ? { ca: target.caCertPem } : {}),
        headers: {
          Authorization: `Bearer ${target.token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, json: text ? (JSON.parse(text) as unknown) : undefined });
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)));
          }
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** CRD documents from every *.yaml / *.yml file in `dir` (sorted by file name). */
export function readCrdDocuments(dir: string): Record<string, unknown>[] {
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  const docs: Record<string, unknown>[] = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const value = doc.toJS() as Record<string, unknown> | null;
      if (value && value.kind === 'CustomResourceDefinition') docs.push(value);
    }
  }
  return docs;
}

/** Creates or updates each CRD; returns their names. Throws with the server's message. */
export async function installCrds(target: ApiTarget, crds: Record<string, unknown>[]): Promise<string[]> {
  const base = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
  const names: string[] = [];
  for (const crd of crds) {
    const name = String((crd.metadata as { name?: string } | undefined)?.name ?? '');
    const created = await call(target, 'POST', base, crd);
    if (created.status === 409) {
      const current = await call(target, 'GET', `${base}/${name}`);
      const rv = (current.json as { metadata?: { resourceVersion?: string } }).metadata?.resourceVersion;
      const updated = await call(target, 'PUT', `${base}/${name}`, {
        ...crd,
        metadata: { ...(crd.metadata as object), resourceVersion: rv },
      });
      if (updated.status !== 200) throw new Error(`updating CRD ${name}: ${(updated.json as { message?: string })?.message}`);
    } else if (created.status !== 201) {
      throw new Error(`creating CRD ${name}: ${(created.json as { message?: string })?.message}`);
    }
    names.push(name);
  }
  return names;
}
