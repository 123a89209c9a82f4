// writeFileIfChanged against a real sshd: the server is this machine, so the results are read
// straight from the local filesystem.
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import { RemoteFileError, writeFileIfChanged } from '../../ssh/remote-file.ts';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { startSshd, sudoUser } from './sshd-fixture.ts';
import type { SshdFixture } from './sshd-fixture.ts';

let sshd: SshdFixture;
let executor: Ssh2Executor;
before(async () => {
  sshd = await startSshd();
  executor = new Ssh2Executor();
});
after(async () => {
  await executor?.close();
  await sshd?.stop();
});

function scratch(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-file-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

void test('a new file is written with the content, mode and owner asked', async (t) => {
  const path = join(scratch(t), 'slurm.conf');
  const changed = await writeFileIfChanged(executor, sshd.target(), {
    path,
    content: 'ClusterName=bramble\n',
    mode: 0o640,
    owner: sudoUser,
    group: 'root',
  });
  assert.equal(changed, true);
  assert.equal(readFileSync(path, 'utf8'), 'ClusterName=bramble\n');
  const stat = statSync(path);
  assert.equal(stat.mode & 0o7777, 0o640);
  assert.equal(stat.uid, Number(execFileSync('id', ['-u', sudoUser]).toString()));
  assert.equal(stat.gid, 0);
});

void test('identical content, mode and owner: nothing is written (same inode, same mtime)', async (t) => {
  const path = join(scratch(t), 'hosts');
  const file = { path, content: Buffer.from([0, 1, 2, 255, 10]), mode: 0o600 };
  assert.equal(await writeFileIfChanged(executor, sshd.target(), file), true);
  const before = statSync(path);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(await writeFileIfChanged(executor, sshd.target(), file), false);
  const afterStat = statSync(path);
  assert.equal(afterStat.mtimeMs, before.mtimeMs);
  assert.equal(afterStat.ino, before.ino);
});

void test('different content replaces the file by rename, leaving no temp file behind', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'motd');
  writeFileSync(path, 'old\n');
  const oldInode = statSync(path).ino;
  assert.equal(await writeFileIfChanged(executor, sshd.target(), { path, content: 'new\n' }), true);
  assert.equal(readFileSync(path, 'utf8'), 'new\n');
  assert.notEqual(statSync(path).ino, oldInode, 'a rename gives a new inode; an in-place write would not');
  assert.deepEqual(readdirSync(dir), ['motd']);
});

void test('only the mode differing is enough to rewrite', async (t) => {
  const path = join(scratch(t), 'key');
  writeFileSync(path, 'secret', { mode: 0o644 });
  assert.equal(await writeFileIfChanged(executor, sshd.target(), { path, content: 'secret', mode: 0o600 }), true);
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

void test('a sudo user writes root-owned files through sudo', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'root-only');
  assert.equal(await writeFileIfChanged(executor, sshd.target({ user: sudoUser }), { path, content: 'x', mode: 0o600 }), true);
  assert.equal(statSync(path).uid, 0);
  await assert.rejects(
    writeFileIfChanged(executor, sshd.target({ user: sudoUser }), { path, content: 'y' }, { asRoot: false }),
    RemoteFileError,
  );
  assert.equal(readFileSync(path, 'utf8'), 'x');
});

void test('a missing directory fails with RemoteFileError and creates nothing', async (t) => {
  const dir = scratch(t);
  const path = join(dir, 'absent', 'file');
  await assert.rejects(writeFileIfChanged(executor, sshd.target(), { path, content: 'x' }), RemoteFileError);
  assert.deepEqual(readdirSync(dir), []);
});

void test('a directory in the way is not written into', async (t) => {
  const path = scratch(t);
  await assert.rejects(writeFileIfChanged(executor, sshd.target(), { path, content: 'x' }), RemoteFileError);
  assert.deepEqual(readdirSync(path), []);
});

void test('a full disk fails the write and leaves the old file intact', async (t) => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'bramble-full-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'pipe' });
  } catch (err) {
    rmSync(mountPoint, { recursive: true, force: true });
    // Only a machine that forbids mounts (no CAP_SYS_ADMIN) gets here.
    t.skip(`cannot mount a tmpfs to simulate a full disk: ${(err as Error).message}`);
    return;
  }
  t.after(() => {
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });
  const path = join(mountPoint, 'config');
  writeFileSync(path, 'old content\n');
  const big = Buffer.alloc(256 * 1024, 'x');
  await assert.rejects(writeFileIfChanged(executor, sshd.target(), { path, content: big }), RemoteFileError);
  assert.equal(readFileSync(path, 'utf8'), 'old content\n');
  assert.deepEqual(readdirSync(mountPoint), ['config'], 'the temp file was removed');
});

void test('values that are not paths, modes or account names never reach the shell', async () => {
  const recorder = new RecordingExecutor();
  const target = sshd.target();
  await assert.rejects(writeFileIfChanged(recorder, target, { path: 'relative', content: '' }));
  await assert.rejects(writeFileIfChanged(recorder, target, { path: '/x', content: '', mode: 0o10000 }));
  await assert.rejects(writeFileIfChanged(recorder, target, { path: '/x', content: '', owner: 'a;b' }));
  assert.equal(recorder.calls.length, 0);
});

void test('one round trip per write, with the content on stdin', async () => {
  const recorder = new RecordingExecutor().on('bramble-write', { stdout: 'unchanged\n' });
  assert.equal(await writeFileIfChanged(recorder, sshd.target(), { path: '/etc/hostname', content: 'pi7\n' }), false);
  assert.equal(recorder.calls.length, 1);
  const digest = createHash('sha256').update('pi7\n').digest('hex');
  assert.deepEqual(recorder.calls[0]?.options.stdin, Buffer.from(`${digest}\npi7\n`), 'the digest, then the content');
  assert.ok(!recorder.calls[0]?.command.includes(digest), 'no digest of the content in the command line (the process list)');
  assert.equal(recorder.calls[0]?.options.asRoot, true);
});
