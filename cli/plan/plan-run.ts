// `bramble plan` from resources to result: gather the Secrets and related objects, plan every
// PiNode of the file against its Pi through the engine (pinode-plan.ts; in parallel, a progress
// line per host as it answers), then every other resource through its kind's own validate,
// observe and plan (kind-plan.ts), one preview per converge (the partitions of one Slurm cluster
// converge together). Only read-only commands are sent.
import type { Executor } from '../../ssh/executor.ts';
import type { SecretView } from '../../reconcilers/contract.ts';
import type { PiNode } from '../../reconcilers/pinode/pinode-types.ts';
import type { Kind } from '../../reconcilers/shared/engine.ts';
import type { ConditionedStatus } from '../../reconcilers/shared/not-ready.ts';
import { slurmPartitionKind } from '../../reconcilers/slurm/reconciler.ts';
import { glusterVolumeKind } from '../../reconcilers/gluster/reconciler.ts';
import { minioPoolKind } from '../../reconcilers/minio/reconciler.ts';
import type { PlanManifest, AnyResource } from './manifest.ts';
import type { ClusterSource } from './cluster-source.ts';
import { PlanView } from './plan-view.ts';
import { planPiNodeNow } from './pinode-plan.ts';
import { planKindNow, type KindPlanReport } from './kind-plan.ts';
import type { PlanResult } from './render.ts';

export interface PlanRunInput {
  manifest: PlanManifest;
  /** Absent: plan from the file alone (its Secrets, its PiNodes). */
  cluster?: ClusterSource;
  executor: Executor;
  /** One line at a time, for stderr. */
  progress: (line: string) => void;
}

/**
 * The kinds previewed one converge at a time, by name. PiNodes go through the engine too, but first
 * and all at once (pinode-plan.ts): what they report is what the later kinds plan from.
 */
const engineKinds = new Map<string, Kind<unknown, ConditionedStatus>>(
  [slurmPartitionKind, glusterVolumeKind, minioPoolKind].map((k) => [k.kind, k as unknown as Kind<unknown, ConditionedStatus>]),
);

/** Pure: "namespace/name" of every Secret the objects name (spec.ssh.privateKeySecretRef, any spec.…SecretRef). */
export function secretsNamed(objects: readonly AnyResource[]): string[] {
  const names = new Set<string>();
  for (const o of objects) {
    const spec = (o.spec ?? {}) as Record<string, unknown> & { ssh?: { privateKeySecretRef?: { name?: string } } };
    const refs = [
      spec.ssh?.privateKeySecretRef,
      ...Object.entries(spec)
        .filter(([k]) => k.endsWith('SecretRef'))
        .map(([, v]) => v as { name?: string } | undefined),
    ];
    for (const ref of refs) if (ref?.name) names.add(`${o.metadata.namespace}/${ref.name}`);
  }
  return [...names].sort();
}

/** Pure: the file's objects of engine kinds, one group per converge (a kind's lock key), in file order. */
export function convergeGroups(objects: readonly AnyResource[]): { kind: Kind<unknown, ConditionedStatus>; objects: AnyResource[] }[] {
  const groups = new Map<string, { kind: Kind<unknown, ConditionedStatus>; objects: AnyResource[] }>();
  for (const o of objects) {
    const kind = engineKinds.get(o.kind);
    if (!kind) continue;
    const key = `${o.kind}/${kind.lockKey?.(o as never) ?? `${o.metadata.namespace}/${o.metadata.name}`}`;
    const group = groups.get(key) ?? { kind, objects: [] };
    group.objects.push(o);
    groups.set(key, group);
  }
  return [...groups.values()];
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
  const fileNodes = manifest.objects
    .filter((o) => o.kind === 'PiNode')
    .map((o) => view.get<PiNode>('PiNode', o.metadata.namespace, o.metadata.name)!);
  if (fileNodes.length) progress(`observing ${fileNodes.length} Pi${fileNodes.length === 1 ? '' : 's'}…`);
  const started = Date.now();
  const planned = await Promise.all(
    fileNodes.map(async (node) => {
      const plan = await planPiNodeNow(node, view, executor);
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const r = plan.report;
      progress(
        `  ${node.metadata.name} (${r.address}) ${r.error ? `failed: ${r.error}` : `answered after ${seconds} s: ${r.steps.length} change${r.steps.length === 1 ? '' : 's'}`}`,
      );
      // As if the PiNode were applied first: the operator records its facts and host key before a
      // SlurmPartition or a pool uses them (a key trusted on first use included).
      if (plan.facts)
        view.put({
          ...node,
          status: { ...node.status, facts: plan.facts, ...(plan.hostKey ? { hostKey: plan.hostKey } : {}) },
        } as AnyResource);
      return plan.report;
    }),
  );

  const kinds: KindPlanReport[] = [];
  for (const group of convergeGroups(manifest.objects)) {
    const [first] = group.objects;
    const obj = first && view.get<AnyResource>(first.kind, first.metadata.namespace, first.metadata.name);
    if (!obj) continue;
    const subject = `${group.kind.kind} ${group.objects.map((o) => `${o.metadata.namespace}/${o.metadata.name}`).join(', ')}`;
    progress(`observing the hosts of ${subject}…`);
    const report = await planKindNow(group.kind, obj as never, subject, view, executor);
    for (const h of report.hosts) progress(`  ${h.subject} (${h.address}) ${h.error ? `failed: ${h.error}` : 'answered'}`);
    kinds.push(report);
  }
  const skipped = [
    ...manifest.objects
      .filter((o) => o.kind !== 'PiNode' && !engineKinds.has(o.kind))
      .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name} (no preview for this kind yet)`),
    ...manifest.ignored.map((d) => `${d} (not a bramble resource)`),
  ];
  return { pinodes: planned, kinds, skipped };
}
