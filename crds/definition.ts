// Turns one kind's schemas into its CustomResourceDefinition (apiextensions.k8s.io/v1) and its
// openAPIV3Schema. Every kind shares the conventions: namespaced, status subresource,
// category "bramble", Ready and Age columns last.
import type { TSchema } from '@sinclair/typebox';
import { group, version } from './common.ts';
import { toOpenApi } from './schema-kit.ts';
import type { CelRule } from './schema-kit.ts';

export interface PrinterColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  jsonPath: string;
  description?: string;
  priority?: number;
}

export interface KindDefinition {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: TSchema;
  status: TSchema;
  /** Columns between NAME and READY/AGE. */
  printerColumns: PrinterColumn[];
  /** Columns only `kubectl get -o wide` shows (priority 1), after AGE. */
  wideColumns?: PrinterColumn[];
  /** Rules on the whole object (they may read metadata.name). */
  rules?: CelRule[];
}

export interface CustomResourceDefinition {
  apiVersion: 'apiextensions.k8s.io/v1';
  kind: 'CustomResourceDefinition';
  metadata: { name: string; labels: Record<string, string> };
  spec: {
    group: string;
    names: { kind: string; listKind: string; plural: string; singular: string; shortNames: string[]; categories: string[] };
    scope: 'Namespaced';
    versions: {
      name: string;
      served: boolean;
      storage: boolean;
      subresources: { status: Record<string, never> };
      additionalPrinterColumns: PrinterColumn[];
      schema: { openAPIV3Schema: Record<string, unknown> };
    }[];
  };
}

const readyAndAge: PrinterColumn[] = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: '.status.conditions[?(@.type=="Ready")].status',
    description: 'Whether the resource is healthy.',
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
];

export function openApiSchemaOf(def: KindDefinition): Record<string, unknown> {
  return {
    description: def.description,
    type: 'object',
    properties: {
      apiVersion: { description: 'APIVersion of this object: bramble.dev/v1alpha1.', type: 'string' },
      kind: { description: `Kind of this object: ${def.kind}.`, type: 'string' },
      metadata: { type: 'object' },
      spec: toOpenApi(def.spec),
      status: toOpenApi(def.status),
    },
    required: ['spec'],
    ...(def.rules && def.rules.length > 0 ? { 'x-kubernetes-validations': def.rules } : {}),
  };
}

export function customResourceDefinitionOf(def: KindDefinition): CustomResourceDefinition {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${def.plural}.${group}`, labels: { 'app.kubernetes.io/part-of': 'bramble' } },
    spec: {
      group,
      names: {
        kind: def.kind,
        listKind: `${def.kind}List`,
        plural: def.plural,
        singular: def.singular,
        shortNames: def.shortNames,
        categories: ['bramble'],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [...def.printerColumns, ...readyAndAge, ...(def.wideColumns ?? []).map((c) => ({ ...c, priority: 1 }))],
          schema: { openAPIV3Schema: openApiSchemaOf(def) },
        },
      ],
    },
  };
}
