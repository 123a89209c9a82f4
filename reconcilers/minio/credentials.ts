// Root credentials from the Secret named by spec.credentialsSecretRef (keys rootUser and
// rootPassword, as MinIO's MINIO_ROOT_USER / MINIO_ROOT_PASSWORD). MinIO's own limits apply.
import type { ClusterView } from '../contract.ts';
import type { RootCredentials } from './render.ts';

export const rootUserField = 'rootUser';
export const rootPasswordField = 'rootPassword';

export type CredentialsOutcome =
  | { ok: true; credentials: RootCredentials }
  | { ok: false; reason: 'CredentialsSecretMissing' | 'CredentialsSecretInvalid'; message: string };

const printable = /^[\x20-\x7e]+$/;

export function credentialsFrom(view: ClusterView, namespace: string, name: string): CredentialsOutcome {
  const secret = view.getSecret(namespace, name);
  if (!secret) return { ok: false, reason: 'CredentialsSecretMissing', message: `Secret ${namespace}/${name} not found` };
  const user = secret.data[rootUserField]?.toString('utf8') ?? '';
  const password = secret.data[rootPasswordField]?.toString('utf8') ?? '';
  const problems: string[] = [];
  if (user.length < 3 || !printable.test(user)) problems.push(`${rootUserField} must be at least 3 printable characters`);
  if (password.length < 8 || !printable.test(password)) problems.push(`${rootPasswordField} must be at least 8 printable characters`);
  if (problems.length)
    return { ok: false, reason: 'CredentialsSecretInvalid', message: `Secret ${namespace}/${name}: ${problems.join('; ')}` };
  return { ok: true, credentials: { user, password } };
}
