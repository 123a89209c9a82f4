import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { checkHostKey, hostKeyAlgorithmsFor, hostKeyLine, normalizeHostKey } from './host-key.ts';

// An ed25519 public key in SSH wire format: string "ssh-ed25519", string <32 key bytes>.
function ed25519Blob(): Buffer {
  const { publicKey } = generateKeyPairSync('ed25519');
  const rawKey = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const type = Buffer.from('ssh-ed25519');
  const u32 = (n: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  return Buffer.concat([u32(type.length), type, u32(rawKey.length), rawKey]);
}

void test('hostKeyLine gives the OpenSSH line for a wire-format key', () => {
  const blob = ed25519Blob();
  const line = hostKeyLine(blob);
  assert.equal(line, `ssh-ed25519 ${blob.toString('base64')}`);
  assert.match(line, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI/);
});

void test('hostKeyLine rejects blobs without a sane type', () => {
  assert.throws(() => hostKeyLine(Buffer.from([0, 0])));
  assert.throws(() => hostKeyLine(Buffer.from([0, 0, 1, 0, 65])));
});

void test('normalizeHostKey drops the comment and surrounding space', () => {
  assert.equal(normalizeHostKey('  ssh-ed25519 AAAAxyz  root@pi \n'), 'ssh-ed25519 AAAAxyz');
  assert.throws(() => normalizeHostKey('ssh-ed25519'));
});

void test('Pinned accepts only the pinned key, comment or not', () => {
  const key = hostKeyLine(ed25519Blob());
  const other = hostKeyLine(ed25519Blob());
  assert.deepEqual(checkHostKey({ policy: 'Pinned', key: `${key} pi@bramble` }, key), { accept: true });
  assert.deepEqual(checkHostKey({ policy: 'Pinned', key }, other), { accept: false, expected: key });
  assert.equal(checkHostKey({ policy: 'Pinned', key: '' }, key).accept, false);
  // A resource that lost its key at runtime must not turn Pinned into "accept anything".
  assert.equal(checkHostKey({ policy: 'Pinned' } as never, key).accept, false);
});

void test('TrustOnFirstUse accepts anything first, then only the known key', () => {
  const key = hostKeyLine(ed25519Blob());
  const other = hostKeyLine(ed25519Blob());
  assert.deepEqual(checkHostKey({ policy: 'TrustOnFirstUse' }, key), { accept: true });
  assert.deepEqual(checkHostKey({ policy: 'TrustOnFirstUse', known: key }, key), { accept: true });
  assert.deepEqual(checkHostKey({ policy: 'TrustOnFirstUse', known: key }, other), { accept: false, expected: key });
});

void test('the handshake asks for the type of key that is expected', () => {
  assert.deepEqual(hostKeyAlgorithmsFor({ policy: 'Pinned', key: 'ssh-rsa AAAAB3Nza' }), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
  assert.deepEqual(hostKeyAlgorithmsFor({ policy: 'TrustOnFirstUse', known: 'ssh-ed25519 AAAAC3' }), ['ssh-ed25519']);
  assert.equal(hostKeyAlgorithmsFor({ policy: 'TrustOnFirstUse' }), undefined);
  assert.equal(hostKeyAlgorithmsFor({ policy: 'Pinned', key: 'sk-ssh-ed25519@openssh.com AAAA' }), undefined);
});
