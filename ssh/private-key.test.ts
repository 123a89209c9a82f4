import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { privateKeyProblem } from './private-key.ts';

function keygen(passphrase: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-key-'));
  try {
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-f', join(dir, 'k')]);
    return readFileSync(join(dir, 'k'), 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a real ed25519 key is usable', () => {
  assert.equal(privateKeyProblem(keygen('')), undefined);
});

test('a passphrase-protected key is reported as such', () => {
  assert.equal(privateKeyProblem(keygen('secret phrase')), 'encrypted');
});

test('placeholders and damaged keys are unparseable', () => {
  const placeholder = '-----BEGIN OPENSSH PRIVATE KEY-----\nPLACEHOLDER\n-----END OPENSSH PRIVATE KEY-----\n';
  assert.equal(privateKeyProblem(placeholder), 'unparseable');
  assert.equal(privateKeyProblem('not a key'), 'unparseable');
  const real = keygen('');
  assert.equal(privateKeyProblem(real.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA')), 'unparseable');
});
