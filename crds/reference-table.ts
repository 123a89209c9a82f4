// The README's resource reference, rendered from the same schemas as the CRDs so it cannot
// drift: one table per kind, a row per field with its type, default and limits.
import type { KindDefinition } from './definition.ts';
import { customResourceDefinitionOf, openApiSchemaOf } from './definition.ts';

interface Node {
  type?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
  anyOf?: Node[];
  properties?: Record<string, Node>;
  additionalProperties?: Node | boolean;
  items?: Node;
  required?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-validations'?: { message?: string; messageExpression?: string; rule: string }[];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function typeOf(node: Node): string {
  if (node.type === 'array') {
    const item = node.items ? typeOf(node.items) : 'any';
    const keyed = node['x-kubernetes-list-map-keys'];
    return keyed ? `[]${item} keyed by ${keyed.join(', ')}` : `[]${item}`;
  }
  if (node.type === 'object' && typeof node.additionalProperties === 'object') return `map[string]${typeOf(node.additionalProperties)}`;
  return node.type ?? 'any';
}

function limits(node: Node, isRequired: boolean): string {
  const parts: string[] = [];
  if (isRequired) parts.push('required');
  if (node.enum) parts.push(`one of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}`);
  if (node.anyOf) parts.push(`one of: ${node.anyOf.map((a) => a.format ?? (a.pattern ? 'name pattern' : 'schema')).join(', ')}`);
  if (node.format) parts.push(node.format);
  if (node.minimum !== undefined || node.maximum !== undefined) parts.push(`${node.minimum ?? ''}–${node.maximum ?? ''}`);
  if (node.maxLength !== undefined) parts.push(`≤ ${node.maxLength} chars`);
  if (node.minItems !== undefined) parts.push(`≥ ${node.minItems} items`);
  if (node.maxItems !== undefined) parts.push(`≤ ${node.maxItems} items`);
  if (node.pattern) parts.push('pattern');
  for (const rule of node['x-kubernetes-validations'] ?? []) parts.push(`rule: ${rule.message ?? rule.rule}`);
  return parts.join('; ');
}

function rows(node: Node, path: string, isRequired: boolean, out: string[]): void {
  if (path) {
    const def = node.default === undefined ? '' : `\`${JSON.stringify(node.default)}\``;
    out.push(`| \`${path}\` | ${cell(typeOf(node))} | ${def} | ${cell(limits(node, isRequired))} | ${cell(node.description ?? '')} |`);
  }
  const container = node.type === 'array' ? node.items : node;
  const prefix = node.type === 'array' ? `${path}[]` : path;
  for (const [name, child] of Object.entries(container?.properties ?? {})) {
    rows(child, prefix ? `${prefix}.${name}` : name, container?.required?.includes(name) ?? false, out);
  }
}

function section(def: KindDefinition): string {
  const crd = customResourceDefinitionOf(def);
  const schema = openApiSchemaOf(def) as Node;
  const out = [
    `### ${def.kind}`,
    '',
    `${def.description} \`kubectl get ${def.plural}\` (short: ${def.shortNames.map((s) => `\`${s}\``).join(', ')}; category \`bramble\`) shows ${crd.spec.versions[0]?.additionalPrinterColumns
      .filter((c) => !c.priority)
      .map((c) => c.name)
      .join(', ')}.`,
    '',
    '| Field | Type | Default | Limits | Description |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const part of ['spec', 'status'] as const) {
    const node = schema.properties?.[part];
    if (node) rows(node, part, part === 'spec', out);
  }
  for (const rule of schema['x-kubernetes-validations'] ?? []) out.push('', `Object rule: ${rule.message ?? rule.rule}`);
  return out.join('\n');
}

/** The Markdown between the README's resources markers. */
export function renderReference(defs: readonly KindDefinition[]): string {
  const intro = [
    'All kinds are in group `bramble.dev`, version `v1alpha1`, namespaced, with a `status` subresource;',
    'install them with `kubectl apply -f crds/`. This section is generated from `crds/*.ts` by',
    '`npm run gen:crds`; a test fails when it is stale. "pattern" means the value must match the',
    'pattern in the CRD (no whitespace, quotes or shell metacharacters anywhere a value can reach a Pi).',
  ].join('\n');
  return [intro, ...defs.map(section)].join('\n\n');
}

export const readmeBegin = '<!-- resources:begin -->';
export const readmeEnd = '<!-- resources:end -->';

/** README text with the generated section replaced; throws when the markers are missing. */
export function spliceReadme(readme: string, reference: string): string {
  const start = readme.indexOf(readmeBegin);
  const end = readme.indexOf(readmeEnd);
  if (start < 0 || end < start) throw new Error(`README.md needs ${readmeBegin} … ${readmeEnd} under "## Resources"`);
  return `${readme.slice(0, start + readmeBegin.length)}\n${reference}\n${readme.slice(end)}`;
}
