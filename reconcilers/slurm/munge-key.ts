// The cluster's munge key comes from a Secret. When the Secret does not exist and the cluster has
// never been converged, bramble creates it with a random key, through the contract's
// SecretCreator. Once the cluster runs on a key, a missing Secret is far more likely a mistake
// (a cleanup, a restore in progress) than a wish for a new key: re-keying would restart munge on
// every node, and a Secret restored later would roll out once more. So bramble keeps the key the
// Pis share and asks for the Secret back.
import { randomBytes } from 'node:crypto';
import type { ClusterView, SecretCreator } from '../contract.ts';

export type { SecretCreator };

export const mungeKeyField = 'munge.key';

/** 1024 bits, what `mungekey` creates by default; munged accepts 32 to 1024 bytes. */
export const mungeKeyBytes = 128;

export type MungeKeyOutcome =
  | { ok: true; key: Buffer; created: boolean }
  | { ok: false; reason: 'MungeKeySecretInvalid' | 'MungeKeySecretMissing'; message: string; stalled?: boolean };

export async function mungeKeyFor(
  view: ClusterView,
  creator: SecretCreator | undefined,
  namespace: string,
  name: string,
  /** Whether bramble has already rolled a key out to this cluster (a partition has a configHash). */
  clusterConverged = false,
): Promise<MungeKeyOutcome> {
  const secret = view.getSecret(namespace, name);
  if (secret) {
    const key = secret.data[mungeKeyField];
    if (!key || key.length < 32 || key.length > 1024) {
      return {
        ok: false,
        reason: 'MungeKeySecretInvalid',
        message: `Secret ${namespace}/${name} needs a ${mungeKeyField} of 32 to 1024 bytes`,
      };
    }
    return { ok: true, key, created: false };
  }
  if (clusterConverged) {
    return {
      ok: false,
      reason: 'MungeKeySecretMissing',
      message: `Secret ${namespace}/${name} not found; the nodes keep the munge key they share. Restore the Secret (from a backup or Git), or create it with a new ${mungeKeyField} to rotate the key`,
      stalled: true,
    };
  }
  if (!creator) {
    return {
      ok: false,
      reason: 'MungeKeySecretMissing',
      message: `Secret ${namespace}/${name} not found and this controller cannot create Secrets`,
    };
  }
  const key = randomBytes(mungeKeyBytes);
  const result = await creator.createSecret(namespace, name, { [mungeKeyField]: key });
  if (result === 'exists') {
    // Someone else created it between the cache read and now: use theirs on the next reconcile.
    return {
      ok: false,
      reason: 'MungeKeySecretMissing',
      message: `Secret ${namespace}/${name} was just created elsewhere; waiting for it`,
    };
  }
  return { ok: true, key, created: true };
}
