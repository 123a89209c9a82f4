// The resources of a `bramble plan -f FILE`: multi-document YAML (or a v1 List), read like
// kubectl reads it. bramble's kinds get what the API server would do on create (unknown fields
// pruned, defaults applied, validated against the CRD schema), so a plan never previews an
// object the cluster would reject. Secrets are decoded (data is base64, stringData is not).
import { parseAllDocuments } from 'yaml';
import type { Resource } from '../../crds/resource.ts';
import type { SecretView } from '../../reconcilers/contract.ts';
import { customResourceDefinitionOf } from '../../crds/definition.ts';
import { kindDefinitions } from '../../crds/kinds.ts';
import { applyDefaults, pruneUnknownFields, validateObject, type JSONSchemaProps } from '../../controlplane/schema/index.ts';

export type AnyResource = Resource<unknown, unknown>;

export interface PlanManifest {
  /** bramble objects by kind, as admitted. */
  objects: AnyResource[];
  /** Secrets in the file, by "namespace/name". */
  secrets: Map<string, SecretView>;
  /** Documents that are neither (kind names, for a note). */
  ignored: string[];
}

export class ManifestError extends Error {
  override name = 'ManifestError';
}

function schemaOf(kind: string): JSONSchemaProps | undefined {
  const def = kindDefinitions.find((d) => d.kind === kind);
  const version = def ? customResourceDefinitionOf(def).spec.versions[0] : undefined;
  return version?.schema.openAPIV3Schema as JSONSchemaProps | undefined;
}

function decodeSecret(doc: Record<string, unknown>): SecretView {
  const data: Record<string, Buffer> = {};
  for (const [k, v] of Object.entries((doc.data ?? {}) as Record<string, string>)) data[k] = Buffer.from(String(v), 'base64');
  for (const [k, v] of Object.entries((doc.stringData ?? {}) as Record<string, string>)) data[k] = Buffer.from(String(v), 'utf8');
  return typeof doc.type === 'string' ? { type: doc.type, data } : { data };
}

function documentsOf(text: string, source: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new ManifestError(`${source}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new ManifestError(`${source}: a document is not an object`);
    const obj = value as Record<string, unknown>;
    // `kubectl get -o yaml` prints a List.
    if (obj.kind === 'List' && Array.isArray(obj.items)) out.push(...(obj.items as Record<string, unknown>[]));
    else out.push(obj);
  }
  return out;
}

export function readManifest(text: string, source: string, defaultNamespace: string): PlanManifest {
  const manifest: PlanManifest = { objects: [], secrets: new Map(), ignored: [] };
  for (const doc of documentsOf(text, source)) {
    const kind = String(doc.kind ?? '');
    const meta = (doc.metadata ?? {}) as Record<string, unknown>;
    const name = typeof meta.name === 'string' ? meta.name : '';
    if (!name) throw new ManifestError(`${source}: a ${kind || 'document'} has no metadata.name`);
    const namespace = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : defaultNamespace;
    if (kind === 'Secret' && doc.apiVersion === 'v1') {
      manifest.secrets.set(`${namespace}/${name}`, decodeSecret(doc));
      continue;
    }
    const schema = String(doc.apiVersion ?? '').startsWith('bramble.dev/') ? schemaOf(kind) : undefined;
    if (!schema) {
      manifest.ignored.push(`${kind || '(no kind)'} ${name}`);
      continue;
    }
    const obj = structuredClone(doc);
    obj.metadata = { ...meta, namespace };
    pruneUnknownFields(schema, obj);
    applyDefaults(schema, obj);
    const causes = validateObject(schema, obj);
    if (causes.length > 0) {
      throw new ManifestError(
        `${source}: ${kind} ${namespace}/${name} is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join('; ')}`,
      );
    }
    delete obj.status;
    manifest.objects.push(obj as unknown as AnyResource);
  }
  return manifest;
}
