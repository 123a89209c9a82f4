// The four bramble kinds: their TypeScript types, CRDs and condition helpers, in one import.
export * from './common.ts';
export * from './conditions.ts';
export * from './resource.ts';
export * from './pinode.ts';
export * from './pinode-network.ts';
export * from './slurmpartition.ts';
export * from './glustervolume.ts';
export * from './miniopool.ts';
export { customResourceDefinitionOf, openApiSchemaOf } from './definition.ts';
export type { CustomResourceDefinition, KindDefinition, PrinterColumn } from './definition.ts';
export { kindDefinitions, generatedKinds } from './kinds.ts';
export type { GeneratedKind } from './kinds.ts';
