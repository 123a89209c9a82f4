// Host keys as OpenSSH writes them ("ssh-ed25519 AAAA… comment") and the one rule that decides
// whether a presented key may be talked to. Pure: the ssh2 verifier calls `checkHostKey`.
import { createHash } from 'node:crypto';
import type { HostKeyExpectation } from './executor.ts';

/**
 * The OpenSSH public key line ("type base64", no comment) for a raw SSH wire-format key blob,
 * which is what ssh2 hands its hostVerifier. The type is the blob's first length-prefixed string.
 */
export function hostKeyLine(blob: Buffer): string {
  if (blob.length < 4) throw new Error('host key blob too short');
  const typeLength = blob.readUInt32BE(0);
  if (typeLength === 0 || typeLength > 64 || 4 + typeLength > blob.length) {
    throw new Error('host key blob has no valid type');
  }
  const type = blob.subarray(4, 4 + typeLength).toString('latin1');
  return `${type} ${blob.toString('base64')}`;
}

/** "type base64" of a key line, dropping the comment and surrounding whitespace. */
export function normalizeHostKey(line: string): string {
  const [type, data] = line.trim().split(/\s+/);
  if (!type || !data) throw new Error('host key must look like "ssh-ed25519 AAAA…"');
  return `${type} ${data}`;
}

export type HostKeyVerdict = { accept: true } | { accept: false; expected: string };

/** Pinned: only that key. TrustOnFirstUse: anything when nothing is known yet, else the known key. */
export function checkHostKey(expectation: HostKeyExpectation, presented: string): HostKeyVerdict {
  const expected = expectation.policy === 'Pinned' ? expectation.key : expectation.known;
  if (expected === undefined || expected === null) {
    // Values come from resources at runtime: a Pinned policy without a key rejects everything.
    return expectation.policy === 'TrustOnFirstUse' ? { accept: true } : { accept: false, expected: '' };
  }
  let normalized: string;
  try {
    normalized = normalizeHostKey(expected);
  } catch {
    return { accept: false, expected };
  }
  return normalized === normalizeHostKey(presented) ? { accept: true } : { accept: false, expected: normalized };
}

/**
 * The host key algorithms to offer when a key is expected: only those that make the server
 * present a key of the expected type. A Pi has several host keys (ed25519, ecdsa, rsa); without
 * this, pinning its RSA key would fail because the handshake picked ed25519. Undefined means
 * "no preference" (first use, or a type ssh2 has no special name for).
 */
export function hostKeyAlgorithmsFor(expectation: HostKeyExpectation): string[] | undefined {
  const expected = expectation.policy === 'Pinned' ? expectation.key : expectation.known;
  const type = typeof expected === 'string' ? expected.trim().split(/\s+/)[0] : undefined;
  switch (type) {
    case 'ssh-rsa':
      return ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
    case 'ssh-ed25519':
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
      return [type];
    default:
      return undefined;
  }
}

/** OpenSSH's fingerprint of a key line, as `ssh-keygen -lf` prints it: "SHA256:" + unpadded base64. */
export function hostKeyFingerprint(line: string): string {
  const blob = Buffer.from(normalizeHostKey(line).split(' ')[1]!, 'base64');
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}
