// The PiNodes of a pool, in pool order, with their SSH targets and one observe of each: what
// reconcile and delete both observe.
import type { SshTarget } from '../../ssh/executor.ts';
import { secretTargetsOf } from '../shared/secret-target.ts';
import { observeHosts } from '../shared/observe-hosts.ts';
import type { Run } from '../shared/run.ts';
import type { MinioPool, MinioPoolStatus, PiNode } from './types.ts';
import { minioObserveScript } from './observe-script.ts';
import { parseNodeObservation, type NodeObservation } from './parse-observed.ts';
import { naturalOrder } from './volumes.ts';
import type { PoolMember } from './status.ts';

export const observeTimeoutMs = 60_000;

export type PoolRun = Run<MinioPool, MinioPoolStatus>;

export interface Members {
  members: (PoolMember & { node: PiNode })[];
  targets: Map<string, SshTarget>;
  observed: Map<string, NodeObservation>;
  failures: string[];
}

export const poolOrder = (a: PiNode, b: PiNode) =>
  naturalOrder(a.spec.address, b.spec.address) || naturalOrder(a.metadata.name, b.metadata.name);

/** The PiNodes the selector picks, in pool order (by address). */
export function selectedNodes(run: PoolRun): PiNode[] {
  const { obj, ctx } = run;
  return ctx.view.list<PiNode>('PiNode', obj.metadata.namespace, obj.spec.nodeSelector).sort(poolOrder);
}

/** `nodes` (in the order given), their SSH targets, and one observe of each. */
export async function observeMembers(
  run: PoolRun,
  nodes: readonly PiNode[] = selectedNodes(run),
  drivePaths: readonly string[] = run.obj.spec.drivePaths,
): Promise<Members> {
  const { obj, ctx } = run;
  const members = nodes.map((node) => ({ name: node.metadata.name, address: node.spec.address, node }));
  const { targets, failures } = secretTargetsOf(nodes, ctx.view);
  const params = { apiPort: obj.spec.ports?.api ?? 9000, serviceUser: obj.spec.serviceUser ?? 'minio-user', drivePaths };
  const how = { script: (nonce: string) => minioObserveScript(params, nonce), parse: parseNodeObservation, timeoutMs: observeTimeoutMs };
  const o = await observeHosts(run, targets, () => how);
  return { members, targets, observed: o.observed, failures: [...failures, ...o.failures] };
}
