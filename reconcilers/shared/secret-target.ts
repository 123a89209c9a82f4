// Where a reconciler that delivers Secret material (the munge key, MinIO's root password) may
// connect: only to a Pi whose host key is pinned in its spec or was recorded in its status by
// the PiNode reconciler. Under TrustOnFirstUse sshTargetFor alone would accept whatever key the
// first connection shows, so a host not yet vouched for by the PiNode reconciler could be any
// machine; it gets nothing (HostKeyNotRecorded) and is checked again on every reconcile, from the
// PiNode as it is then. The connection itself is then held to that key (ssh-target.ts).
import type { ClusterView } from '../contract.ts';
import type { PiNode } from '../../crds/pinode.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { sshTargetFor, type TargetOutcome } from './ssh-target.ts';

export type SecretTargetOutcome = TargetOutcome | { ok: false; reason: 'HostKeyNotRecorded'; message: string };

/** Why secrets may not go to `node` yet, or undefined when its host key is pinned or recorded. */
export function hostKeyNotRecorded(node: PiNode): string | undefined {
  const { ssh } = node.spec;
  if (ssh.hostKeyPolicy === 'Pinned' ? ssh.hostKey : node.status?.hostKey) return undefined;
  return (
    'HostKeyNotRecorded: its host key is neither pinned (spec.ssh.hostKey) nor recorded by the PiNode reconciler (status.hostKey); ' +
    'nothing is sent there until it is'
  );
}

export function secretTargetFor(node: PiNode, view: ClusterView): SecretTargetOutcome {
  const message = hostKeyNotRecorded(node);
  if (message) return { ok: false, reason: 'HostKeyNotRecorded', message };
  return sshTargetFor(node, view);
}

/** The targets secrets may go to, by PiNode name, and "name: why" for each node that is not one. */
export function secretTargetsOf(nodes: Iterable<PiNode>, view: ClusterView): { targets: Map<string, SshTarget>; failures: string[] } {
  const targets = new Map<string, SshTarget>();
  const failures: string[] = [];
  for (const node of nodes) {
    const t = secretTargetFor(node, view);
    if (t.ok) targets.set(node.metadata.name, t.target);
    else failures.push(`${node.metadata.name}: ${t.message}`);
  }
  return { targets, failures };
}
