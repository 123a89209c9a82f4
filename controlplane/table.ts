// Server-side printing: the meta.k8s.io/v1 Table `kubectl get` asks for
// (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`). Custom resources get the CRD's
// additionalPrinterColumns; built-in kinds get the columns kube-apiserver prints for them.
import { age } from './human-duration.ts';
import { evaluateJsonPath } from './jsonpath.ts';
import type { KubeObject, PrinterColumn, ResourceType } from './types.ts';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

interface TableColumn {
  definition: ColumnDefinition;
  cell(obj: KubeObject, now: number): unknown;
}

const NAME_COLUMN: TableColumn = {
  definition: {
    name: 'Name',
    type: 'string',
    format: 'name',
    description:
      'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
    priority: 0,
  },
  cell: (obj) => obj.metadata.name ?? '',
};

const AGE_COLUMN: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };

function def(name: string, type: string, description: string, priority = 0): ColumnDefinition {
  return { name, type, format: '', description, priority };
}

function ageColumn(): TableColumn {
  return {
    definition: def('Age', 'string', 'CreationTimestamp is a timestamp representing the server time when this object was created.'),
    cell: (obj, now) => age(obj.metadata.creationTimestamp, now),
  };
}

function countKeys(...maps: unknown[]): number {
  return maps.reduce<number>((n, m) => n + (m && typeof m === 'object' ? Object.keys(m).length : 0), 0);
}

const BUILTIN_COLUMNS: Record<string, TableColumn[]> = {
  '/namespaces': [
    NAME_COLUMN,
    { definition: def('Status', 'string', 'The status of the namespace'), cell: (o) => (o.status as { phase?: string })?.phase ?? '' },
    ageColumn(),
  ],
  '/secrets': [
    NAME_COLUMN,
    { definition: def('Type', 'string', 'The type of the secret'), cell: (o) => o.type ?? 'Opaque' },
    { definition: def('Data', 'string', 'The number of entries in the secret'), cell: (o) => countKeys(o.data) },
    ageColumn(),
  ],
  '/configmaps': [
    NAME_COLUMN,
    { definition: def('Data', 'string', 'The number of entries in the config map'), cell: (o) => countKeys(o.data, o.binaryData) },
    ageColumn(),
  ],
  'coordination.k8s.io/leases': [
    NAME_COLUMN,
    {
      definition: def('Holder', 'string', 'The holder of the lease'),
      cell: (o) => (o.spec as { holderIdentity?: string })?.holderIdentity ?? '',
    },
    ageColumn(),
  ],
  '/events': [
    {
      definition: def('Last Seen', 'string', 'Time of the most recent occurrence'),
      cell: (o, now) => age(o.lastTimestamp ?? o.eventTime ?? o.metadata.creationTimestamp, now),
    },
    { definition: def('Type', 'string', 'Normal or Warning'), cell: (o) => o.type ?? '' },
    { definition: def('Reason', 'string', 'Why the event happened'), cell: (o) => o.reason ?? '' },
    {
      definition: def('Object', 'string', 'The object the event is about'),
      cell: (o) => {
        const io = (o.involvedObject ?? o.regarding ?? {}) as { kind?: string; name?: string };
        return `${(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`;
      },
    },
    { definition: def('Message', 'string', 'What happened'), cell: (o) => o.message ?? o.note ?? '' },
  ],
  'apiextensions.k8s.io/customresourcedefinitions': [
    NAME_COLUMN,
    { definition: def('Created At', 'date', ''), cell: (o) => o.metadata.creationTimestamp ?? null },
  ],
};

function cellFromPath(obj: KubeObject, col: PrinterColumn, now: number): unknown {
  const values = evaluateJsonPath(obj, col.jsonPath);
  if (values.length === 0) return null;
  const v = values[0];
  if (col.type === 'date') return age(v, now);
  if (v === null || typeof v !== 'object') return v;
  return JSON.stringify(v);
}

function columnsFor(rt: ResourceType): TableColumn[] {
  if (!rt.crdName) return BUILTIN_COLUMNS[`${rt.group}/${rt.resource}`] ?? [NAME_COLUMN, ageColumn()];
  const printer = rt.printerColumns && rt.printerColumns.length > 0 ? rt.printerColumns : [AGE_COLUMN];
  return [
    NAME_COLUMN,
    ...printer.map((col) => ({
      definition: {
        name: col.name,
        type: col.type,
        format: col.format ?? '',
        description: col.description ?? `Custom resource definition column (in JSONPath format): ${col.jsonPath}`,
        priority: col.priority ?? 0,
      },
      cell: (obj: KubeObject, now: number) => cellFromPath(obj, col, now),
    })),
  ];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  rt: ResourceType,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  now: number,
): Record<string, unknown> {
  const columns = columnsFor(rt);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => c.definition),
    rows: objects.map((obj) => {
      const row: Record<string, unknown> = { cells: columns.map((c) => c.cell(obj, now)) };
      if (include === 'Object') row.object = obj;
      else if (include === 'Metadata') {
        row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
      }
      return row;
    }),
  };
}
