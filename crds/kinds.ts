// Every kind bramble serves, in one list: what the generator writes and the tests walk.
import type { KindDefinition } from './definition.ts';
import { piNodeDefinition } from './pinode.ts';
import { slurmPartitionDefinition } from './slurmpartition.ts';
import { glusterVolumeDefinition } from './glustervolume.ts';
import { minioPoolDefinition } from './miniopool.ts';

export interface GeneratedKind {
  definition: KindDefinition;
  /** The TypeScript source of truth, relative to the repository root. */
  source: string;
  /** The CRD YAML it generates, relative to the repository root. */
  output: string;
}

function entry(definition: KindDefinition, source: string): GeneratedKind {
  return { definition, source, output: `crds/bramble.dev_${definition.plural}.yaml` };
}

export const generatedKinds: readonly GeneratedKind[] = [
  entry(piNodeDefinition, 'crds/pinode.ts'),
  entry(slurmPartitionDefinition, 'crds/slurmpartition.ts'),
  entry(glusterVolumeDefinition, 'crds/glustervolume.ts'),
  entry(minioPoolDefinition, 'crds/miniopool.ts'),
];

export const kindDefinitions: readonly KindDefinition[] = generatedKinds.map((k) => k.definition);
