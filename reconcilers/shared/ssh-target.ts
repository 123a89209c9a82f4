// Where and how to reach a Pi: the address (spec.address, or where a confirmed network change
// moved it: crds/pinode-network.ts) and user from the spec, the private key from its Secret,
// and the host-key rule. Any failure here means no SSH at all.
import type { SshTarget } from '../../ssh/executor.ts';
import { describePrivateKeyProblem, privateKeyProblem } from '../../ssh/private-key.ts';
import type { ClusterView } from '../contract.ts';
import type { PiNode } from '../../crds/pinode.ts';
import { connectAddressOf } from '../../crds/pinode-network.ts';

export const privateKeyField = 'ssh-privatekey';

export type TargetOutcome =
  { ok: true; target: SshTarget } | { ok: false; reason: 'SecretNotFound' | 'SecretInvalid' | 'HostKeyMissing'; message: string };

export function sshTargetFor(node: PiNode, view: ClusterView): TargetOutcome {
  const { namespace } = node.metadata;
  const { ssh } = node.spec;
  const secretName = ssh.privateKeySecretRef.name;
  const secret = view.getSecret(namespace, secretName);
  if (!secret) {
    return { ok: false, reason: 'SecretNotFound', message: `Secret ${namespace}/${secretName} not found` };
  }
  const privateKey = secret.data[privateKeyField]?.toString('utf8') ?? '';
  if (!privateKey.trim()) {
    return {
      ok: false,
      reason: 'SecretInvalid',
      message: `Secret ${namespace}/${secretName} has no ${privateKeyField} (expected type kubernetes.io/ssh-auth)`,
    };
  }
  const problem = privateKeyProblem(privateKey);
  if (problem) {
    return {
      ok: false,
      reason: 'SecretInvalid',
      message: `Secret ${namespace}/${secretName}: ${privateKeyField} ${describePrivateKeyProblem(problem)}`,
    };
  }
  let hostKey: SshTarget['hostKey'];
  if (ssh.hostKeyPolicy === 'Pinned') {
    if (!ssh.hostKey) {
      return { ok: false, reason: 'HostKeyMissing', message: 'hostKeyPolicy is Pinned but spec.ssh.hostKey is empty' };
    }
    hostKey = { policy: 'Pinned', key: ssh.hostKey };
  } else {
    // The key seen first is recorded in status and pinned from then on.
    const known = node.status?.hostKey ?? ssh.hostKey;
    hostKey = known ? { policy: 'TrustOnFirstUse', known } : { policy: 'TrustOnFirstUse' };
  }
  return {
    ok: true,
    target: { host: connectAddressOf(node.spec, node.status), port: node.spec.port ?? 22, user: ssh.user ?? 'pi', privateKey, hostKey },
  };
}
