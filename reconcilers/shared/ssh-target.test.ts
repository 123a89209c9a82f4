import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ClusterView, SecretView } from '../contract.ts';
import { sshTargetFor } from './ssh-target.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';
import type { PiNode, PiNodeSpec, PiNodeStatus } from '../../crds/pinode.ts';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPinnedPinnedPinned';

function view(secret: SecretView | undefined): ClusterView {
  return { getSecret: (ns, name) => (ns === 'lab' && name === 'pi-key' ? secret : undefined), list: () => [], get: () => undefined };
}

function node(ssh: Partial<PiNodeSpec['ssh']>, status?: PiNodeStatus): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi1', namespace: 'lab' },
    spec: {
      address: 'pi1.lan',
      port: 2222,
      ssh: { user: 'admin', privateKeySecretRef: { name: 'pi-key' }, hostKeyPolicy: 'Pinned', ...ssh },
    },
    ...(status ? { status } : {}),
  };
}

const secret: SecretView = { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(testPrivateKey) } };

void test('Pinned uses the key from the spec; address, port, user and key come through', () => {
  const out = sshTargetFor(node({ hostKey: key }), view(secret));
  assert.deepEqual(out, {
    ok: true,
    target: { host: 'pi1.lan', port: 2222, user: 'admin', privateKey: testPrivateKey, hostKey: { policy: 'Pinned', key } },
  });
});

void test('Pinned without a key is refused before any connection', () => {
  const out = sshTargetFor(node({}), view(secret));
  assert.equal(out.ok, false);
  assert.equal(!out.ok && out.reason, 'HostKeyMissing');
});

void test('TrustOnFirstUse knows nothing at first, then the key recorded in status', () => {
  const first = sshTargetFor(node({ hostKeyPolicy: 'TrustOnFirstUse' }), view(secret));
  assert.deepEqual(first.ok && first.target.hostKey, { policy: 'TrustOnFirstUse' });
  const later = sshTargetFor(node({ hostKeyPolicy: 'TrustOnFirstUse' }, { hostKey: key }), view(secret));
  assert.deepEqual(later.ok && later.target.hostKey, { policy: 'TrustOnFirstUse', known: key });
});

void test('the Secret is looked up in the PiNode namespace and must hold ssh-privatekey', () => {
  const missing = sshTargetFor(node({ hostKey: key }), view(undefined));
  assert.deepEqual(missing.ok ? undefined : [missing.reason, missing.message], ['SecretNotFound', 'Secret lab/pi-key not found']);
  const empty = sshTargetFor(node({ hostKey: key }), view({ data: { 'ssh-privatekey': Buffer.from('  \n') } }));
  assert.equal(!empty.ok && empty.reason, 'SecretInvalid');
});

void test('a placeholder or damaged key is refused before any connection, without quoting it', () => {
  const placeholder = '-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDER-replace-me\n-----END OPENSSH PRIVATE KEY-----\n';
  const out = sshTargetFor(node({ hostKey: key }), view({ data: { 'ssh-privatekey': Buffer.from(placeholder) } }));
  assert.equal(!out.ok && out.reason, 'SecretInvalid');
  assert.equal(!out.ok && out.message, 'Secret lab/pi-key: ssh-privatekey is not an OpenSSH or PEM private key');
});
