// The observe script and the fstab steps run by a real `sh` with the real tools: the observe on
// this machine (read-only), the fstab steps inside a private mount namespace with a copy of /etc
// (root only), so the machine's own fstab is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalShellExecutor } from '../shared/local-shell-executor.ts';
import { canUseNamespaceSandbox, startNamespaceSandbox } from '../shared/namespace-sandbox.test-support.ts';
import { firstFailure, runSteps } from '../shared/run-steps.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { glusterObserveScript } from './observe-script.ts';
import { parseHostObservation } from './parse-observed.ts';
import { fstabStep, unmountStep } from './mount-steps.ts';

const target: SshTarget = { host: 'local', port: 22, user: 'root', privateKey: 'unused', hostKey: { policy: 'TrustOnFirstUse' } };
const hasGetfattr = (() => {
  try {
    execFileSync('sh', ['-c', 'command -v getfattr'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

void test('the observe script runs to its end in a real shell, whatever the paths contain', async () => {
  const nonce = 'obs0001x';
  const brick = "/nonexistent/it's here/vol";
  const mnt = '/nonexistent/mnt point';
  const script = glusterObserveScript({ brickDirs: [brick], volume: 'vol', mountPaths: [mnt] }, nonce);
  const r = await new LocalShellExecutor().exec(target, 'sh -s', { stdin: script });
  const obs = parseHostObservation(r.stdout, nonce);
  assert.deepEqual(
    obs.bricks.get(brick),
    { exists: false, parentExists: false, device: obs.rootDevice },
    'the nearest existing parent of a missing path is /, on the root device',
  );
  assert.deepEqual(obs.mounts.get(mnt), { fstab: [], dir: 'absent' });
  assert.ok(obs.homes.includes('/root'), `this machine's homes: ${obs.homes.join(' ')}`);
});

void test('the observe script tells an empty mount point from one holding files, and an existing brick directory from its parent', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gluster-observe-'));
  try {
    mkdirSync(join(dir, 'empty'));
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', '.hidden'), 'x');
    mkdirSync(join(dir, 'brick'));
    const nonce = 'obs0002x';
    const script = glusterObserveScript(
      {
        brickDirs: [join(dir, 'brick'), join(dir, 'parent', 'brick'), join(dir, 'new')],
        mountPaths: [join(dir, 'empty'), join(dir, 'full')],
      },
      nonce,
    );
    const obs = parseHostObservation((await new LocalShellExecutor().exec(target, 'sh -s', { stdin: script })).stdout, nonce);
    assert.equal(obs.mounts.get(join(dir, 'empty'))?.dir, 'empty');
    assert.equal(obs.mounts.get(join(dir, 'full'))?.dir, 'nonempty', 'a dot file counts');
    assert.deepEqual(
      [join(dir, 'brick'), join(dir, 'parent', 'brick'), join(dir, 'new')].map((p) => [
        obs.bricks.get(p)?.exists,
        obs.bricks.get(p)?.parentExists,
      ]),
      [
        [true, true],
        [false, false],
        [false, true],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

void test(
  "the observe script reads a brick's trusted.glusterfs.volume-id as Gluster writes it",
  { skip: (!hasGetfattr || !canUseNamespaceSandbox()) && 'needs root and getfattr (attr); the simulated Pis have both' },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gluster-xattr-'));
    try {
      // 16 bytes, as glusterd_check_and_set_brick_xattr stores the volume UUID.
      execFileSync('python3', [
        '-c',
        'import os,sys; os.setxattr(sys.argv[1], "trusted.glusterfs.volume-id", bytes.fromhex(sys.argv[2]))',
        dir,
        '5810c962b9ae4193bc6ce2bf6a67d69a',
      ]);
      const nonce = 'obs0003x';
      const obs = parseHostObservation(
        (await new LocalShellExecutor().exec(target, 'sh -s', { stdin: glusterObserveScript({ brickDirs: [dir] }, nonce) })).stdout,
        nonce,
      );
      assert.equal(obs.bricks.get(dir)?.volumeId, '5810c962-b9ae-4193-bc6c-e2bf6a67d69a');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

void test(
  "fstab: bramble's entry for the mount point is replaced, other lines kept, a second run changes nothing; unmount removes only it",
  { skip: !canUseNamespaceSandbox() && 'needs root' },
  async () => {
    const sandbox = await startNamespaceSandbox();
    try {
      await sandbox.run(
        "printf '%s\\n' '# static' 'UUID=abc / ext4 defaults 0 1' 'old:/shared /mnt/shared glusterfs defaults 0 0' 'UUID=def /mnt/other ext4 defaults 0 2' > /etc/fstab",
      );
      const line = '10.0.0.10:/shared /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.0.0.11:10.0.0.12 0 0';
      const steps = [fstabStep('/mnt/shared', line, 'shared')];
      const first = await runSteps(sandbox.executor, target, steps, 'fstab001');
      assert.equal(firstFailure(steps, first, []), undefined);
      const after = await sandbox.run('cat /etc/fstab');
      assert.equal(after, `# static\nUUID=abc / ext4 defaults 0 1\nUUID=def /mnt/other ext4 defaults 0 2\n${line}\n`);
      const inode = await sandbox.run('stat -c %i /etc/fstab');
      await runSteps(sandbox.executor, target, steps, 'fstab002');
      assert.equal(await sandbox.run('stat -c %i /etc/fstab'), inode, 'already right: not rewritten');
      const remove = [unmountStep('/mnt/shared', 'shared')];
      const removed = await runSteps(sandbox.executor, target, remove, 'fstab003');
      assert.equal(firstFailure(remove, removed, []), undefined);
      assert.equal(await sandbox.run('cat /etc/fstab'), '# static\nUUID=abc / ext4 defaults 0 1\nUUID=def /mnt/other ext4 defaults 0 2\n');
    } finally {
      sandbox.stop();
    }
  },
);

void test(
  'fstab: an entry for the mount point that bramble did not write fails the step and stays; unmount leaves it too',
  { skip: !canUseNamespaceSandbox() && 'needs root' },
  async () => {
    const sandbox = await startNamespaceSandbox();
    try {
      const foreign =
        '# mine\nUUID=abc / ext4 defaults 0 1\nUUID=0b3e /mnt/shared ext4 defaults 0 2\nsrv:/other /mnt/shared glusterfs defaults 0 0\n';
      await sandbox.run(`printf '%s' '${foreign}' > /etc/fstab`);
      const steps = [fstabStep('/mnt/shared', '10.0.0.10:/shared /mnt/shared glusterfs defaults,_netdev 0 0', 'shared')];
      const failure = firstFailure(steps, await runSteps(sandbox.executor, target, steps, 'fstab004'), []);
      assert.match(failure?.message ?? '', /\/etc\/fstab has an entry for \/mnt\/shared that bramble did not write; left as it is/);
      assert.equal(await sandbox.run('cat /etc/fstab'), foreign);
      const remove = [unmountStep('/mnt/shared', 'shared')];
      assert.equal(firstFailure(remove, await runSteps(sandbox.executor, target, remove, 'fstab005'), []), undefined);
      assert.equal(await sandbox.run('cat /etc/fstab'), foreign, "neither the ext4 line nor another volume's line is bramble's");
    } finally {
      sandbox.stop();
    }
  },
);
