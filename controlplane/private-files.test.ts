import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePrivateDir, ensurePrivateFile, touchPrivateFile, writePrivateFile } from './private-files.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

void test('an existing looser dir and files are narrowed to 0700/0600; a new file is created 0600', () => {
  const root = mkdtempSync(join(tmpdir(), 'bramble-private-'));
  try {
    const dir = join(root, 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    ensurePrivateDir(dir);
    assert.equal(mode(dir), 0o700);
    ensurePrivateDir(join(root, 'new', 'nested'));
    assert.equal(mode(join(root, 'new', 'nested')), 0o700);

    const db = join(dir, 'state.db');
    writeFileSync(db, '');
    chmodSync(db, 0o644);
    touchPrivateFile(db);
    assert.equal(mode(db), 0o600);
    touchPrivateFile(join(dir, 'fresh.db'));
    assert.equal(mode(join(dir, 'fresh.db')), 0o600);
    ensurePrivateFile(join(dir, 'absent')); // nothing to do

    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, 'old');
    chmodSync(kubeconfig, 0o644);
    writePrivateFile(kubeconfig, 'token: secret');
    assert.equal(mode(kubeconfig), 0o600);
    assert.equal(readFileSync(kubeconfig, 'utf8'), 'token: secret');

    symlinkSync(kubeconfig, join(dir, 'link'));
    assert.throws(() => writePrivateFile(join(dir, 'link'), 'x'), /is a symbolic link: refusing to write secrets through it/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

void test('a file or dir whose mode cannot be narrowed is refused, naming it and why', () => {
  // procfs refuses chmod even to root.
  assert.throws(
    () => ensurePrivateFile('/proc/self/status'),
    /\/proc\/self\/status has mode 0444 and could not be made private \(0600\): EPERM/,
  );
  assert.throws(() => ensurePrivateDir('/proc/self'), /\/proc\/self has mode 0555 and could not be made private \(0700\)/);
});
