// The snapshot script run by the real sh, head and base64 of this machine on a scratch directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalShellExecutor } from '../../reconcilers/shared/local-shell-executor.ts';
import { parseSnapshot, snapshotFiles, snapshotMaxBytes, snapshotScript } from './file-snapshot.ts';

const target = { host: '127.0.0.1', port: 22, user: 'root', privateKey: '', hostKey: { policy: 'TrustOnFirstUse' as const } };

void test('files are read exactly; absent files, links and directories are named, never followed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-snapshot-'));
  try {
    writeFileSync(join(dir, 'hosts'), '127.0.0.1\tlocalhost\n\n127.0.1.1\tpi0 # tab and blank line kept\nno newline at end');
    writeFileSync(join(dir, 'secret'), 'root:$6$hash:19000::::::\n');
    symlinkSync(join(dir, 'secret'), join(dir, 'authorized_keys'));
    mkdirSync(join(dir, 'a dir'));
    writeFileSync(join(dir, "it's big"), 'x'.repeat(snapshotMaxBytes + 10));
    const paths = ['hosts', 'missing', 'authorized_keys', 'a dir', "it's big"].map((p) => join(dir, p));
    const got = await snapshotFiles(new LocalShellExecutor(), target, paths, 'abc123def');
    assert.deepEqual(got[0], {
      kind: 'file',
      text: '127.0.0.1\tlocalhost\n\n127.0.1.1\tpi0 # tab and blank line kept\nno newline at end',
      truncated: false,
    });
    assert.deepEqual(got[1], { kind: 'absent' });
    assert.deepEqual(got[2], { kind: 'not-a-file', what: 'a symbolic link (not followed)' });
    assert.equal(got[3]?.kind, 'not-a-file');
    assert.equal(got[4]?.kind === 'file' && got[4].truncated, true);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test('output cut short, or with a forged marker from another run, is refused', () => {
  const script = snapshotScript(['/etc/hostname'], 'abc123def');
  assert.match(script, /snap '\/etc\/hostname' 0/);
  assert.throws(() => parseSnapshot('@@bramble:abc123def 0 file\ncGkwCg==\n', ['/etc/hostname'], 'abc123def'), /did not finish/);
  const forged = '@@bramble:000000000 0 file\ncGkwCg==\n@@bramble:000000000 end\n';
  assert.throws(() => parseSnapshot(forged, ['/etc/hostname'], 'abc123def'), /did not finish/);
});
