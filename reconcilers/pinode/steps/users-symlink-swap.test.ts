// Issue 16: the authorized-keys step cannot be redirected by a user who swaps ~/.ssh for a
// symlink while the step runs. The race is made deterministic: a `chmod` first in PATH swaps
// ~/.ssh for a link to a root-owned directory just before the real chmod runs. Run for real in a
// namespace sandbox (private /etc and /home; needs root).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canUseNamespaceSandbox, startNamespaceSandbox, type NamespaceSandbox } from '../../shared/namespace-sandbox.test-support.ts';
import { authorizedKeysStep } from './users.ts';

const skip = canUseNamespaceSandbox() ? false : 'needs root (mount namespace)';
let sandbox: NamespaceSandbox;
let hooks: string;
const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBobBobBobBobBobBobBobBobBobBobBobBobBob bob@laptop';

before(async () => {
  if (skip) return;
  sandbox = await startNamespaceSandbox();
  hooks = mkdtempSync(join(tmpdir(), 'bramble-hooks-'));
  chmodSync(hooks, 0o755);
  // The user's move, timed for the worst moment: ~/.ssh becomes a link to a root-owned directory.
  writeFileSync(
    join(hooks, 'chmod'),
    [
      '#!/bin/sh',
      'for a in "$@"; do case "$a" in */.ssh) if [ -d "$a" ] && [ ! -L "$a" ]; then mv "$a" "$a.moved" && ln -s /etc/bramble-target "$a"; fi;; esac; done',
      'exec /bin/chmod "$@"',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
});
after(() => {
  sandbox?.stop();
  if (hooks) rmSync(hooks, { recursive: true, force: true });
});

void test('a ~/.ssh swapped for a symlink mid-step never makes root change what the link points to', { skip }, async () => {
  await sandbox.run(
    'useradd -m bob && install -d -m 755 -o root -g root /etc/bramble-target && echo root-data > /etc/bramble-target/file && runuser -u bob -- mkdir -m 755 /home/bob/.ssh',
  );
  const step = authorizedKeysStep({ name: 'bob', authorizedKeys: [key] }, undefined);
  assert.ok(step);
  await assert.rejects(sandbox.run(`PATH='${hooks}':$PATH; export PATH\n${step.command}`), /cannot write|not as declared/);
  assert.equal((await sandbox.run("stat -c '%a %U' /etc/bramble-target")).trim(), '755 root', 'the root-owned directory kept its mode');
  assert.equal((await sandbox.run('ls /etc/bramble-target')).trim(), 'file', 'nothing was written into it');
});
