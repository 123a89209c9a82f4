// `bramble plan` from resources to result: gather the Secrets and related objects, plan every
// PiNode of the file against its Pi (in parallel, a progress line per host as it answers), then
// every Slurm cluster the file's partitions belong to. Only read-only commands are sent.
import type { Executor } from '../../ssh/executor.ts';
import type { SecretView } from '../../reconcilers/contract.ts';
import type { PiNode } from '../../reconcilers/pinode/pinode-types.ts';
import type { SlurmPartition } from '../../reconcilers/slurm/types.ts';
import type { PlanManifest, AnyResource } from './manifest.ts';
import type { ClusterSource } from './cluster-source.ts';
import { PlanView } from './plan-view.ts';
import { planPiNodeNow } from './pinode-plan.ts';
import { clustersOf, planSlurmClusterNow } from './slurm-plan.ts';
import type { PlanResult } from './render.ts';

export interface PlanRunInput {
  manifest: PlanManifest;
  /** Absent: plan from the file alone (its Secrets, its PiNodes). */
  cluster?: ClusterSource;
  executor: Executor;
  /** One line at a time, for stderr. */
  progress: (line: string) => void;
}

const previewable = new Set(['PiNode', 'SlurmPartition']);

/** Pure: "namespace/name" of every Secret the objects name. */
export function secretsNamed(objects: readonly AnyResource[]): string[] {
  const names = new Set<string>();
  for (const o of objects) {
    const spec = o.spec as { ssh?: { privateKeySecretRef?: { name?: string } }; mungeKeySecretRef?: { name?: string } };
    const name = o.kind === 'PiNode' ? spec.ssh?.privateKeySecretRef?.name : o.kind === 'SlurmPartition' ? spec.mungeKeySecretRef?.name : undefined;
    if (name) names.add(`${o.metadata.namespace}/${name}`);
  }
  return [...names].sort();
}

async function gather(input: PlanRunInput): Promise<PlanView> {
  const { manifest, cluster } = input;
  const namespaces = [...new Set(manifest.objects.map((o) => o.metadata.namespace))];
  const clusterObjects = cluster ? (await Promise.all(namespaces.map((ns) => cluster.listObjects(ns)))).flat() : [];
  const secrets = new Map<string, SecretView>(manifest.secrets);
  for (const key of secretsNamed([...clusterObjects, ...manifest.objects])) {
    if (secrets.has(key) || !cluster) continue;
    const [namespace, name] = key.split('/') as [string, string];
    const secret = await cluster.getSecret(namespace, name);
    if (secret) secrets.set(key, secret);
  }
  return new PlanView(clusterObjects, manifest.objects, secrets);
}

export async function runPlan(input: PlanRunInput): Promise<PlanResult> {
  const view = await gather(input);
  const { manifest, executor, progress } = input;
  const fileNodes = manifest.objects.filter((o) => o.kind === 'PiNode').map((o) => view.get<PiNode>('PiNode', o.metadata.namespace, o.metadata.name)!);
  if (fileNodes.length) progress(`observing ${fileNodes.length} Pi${fileNodes.length === 1 ? '' : 's'}…`);
  const started = Date.now();
  const planned = await Promise.all(fileNodes.map(async (node) => {
    const plan = await planPiNodeNow(node, view, executor);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const r = plan.report;
    progress(`  ${node.metadata.name} (${r.address}) ${r.error ? `failed: ${r.error}` : `answered after ${seconds} s: ${r.steps.length} change${r.steps.length === 1 ? '' : 's'}`}`);
    if (plan.facts) view.put({ ...node, status: { ...node.status, facts: plan.facts } } as AnyResource);
    return plan.report;
  }));

  const partitions = manifest.objects.filter((o) => o.kind === 'SlurmPartition') as SlurmPartition[];
  const slurm = [];
  for (const cluster of clustersOf(partitions)) {
    progress(`observing Slurm cluster ${cluster.clusterName}…`);
    slurm.push(await planSlurmClusterNow(cluster, view, executor, (host, address, error) =>
      progress(`  ${host} (${address}) ${error ? `failed: ${error}` : 'answered'}`)));
  }
  const skipped = [
    ...manifest.objects.filter((o) => !previewable.has(o.kind)).map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name} (no preview for this kind yet)`),
    ...manifest.ignored.map((d) => `${d} (not a bramble resource)`),
  ];
  return { pinodes: planned, slurm, skipped };
}
