import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from './kube-object.ts';
import { ownersOfSecret } from './secret-owners.ts';

const obj = (namespace: string, name: string, spec: unknown): KubeObject =>
  ({ apiVersion: 'x/v1', kind: 'X', metadata: { namespace, name }, spec }) as KubeObject;

test('owners are the objects in the same namespace naming the Secret in any …SecretRef', () => {
  const owners = [
    obj('lab', 'pi0', { ssh: { privateKeySecretRef: { name: 'ssh' } } }),
    obj('lab', 'batch', { mungeKeySecretRef: { name: 'munge' } }),
    obj('lab', 'pool', { credentialsSecretRef: { name: 'ssh' } }),
    obj('other', 'pi9', { ssh: { privateKeySecretRef: { name: 'ssh' } } }),
    obj('lab', 'pi1', { ssh: { privateKeySecretRef: { name: 'ssh-2' } }, note: { name: 'ssh' } }),
  ];
  assert.deepEqual(ownersOfSecret(owners, obj('lab', 'ssh', undefined)), ['lab/pi0', 'lab/pool']);
  assert.deepEqual(ownersOfSecret(owners, obj('lab', 'munge', undefined)), ['lab/batch']);
  assert.deepEqual(ownersOfSecret(owners, obj('lab', 'unused', undefined)), []);
});
