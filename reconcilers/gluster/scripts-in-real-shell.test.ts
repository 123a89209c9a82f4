// The observe script and the fstab steps run by a real `sh` with the real tools: the observe on
// this machine (read-only), the fstab steps inside a private mount namespace with a copy of /etc
// (root only), so the machine's own fstab is never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalShellExecutor } from '../shared/local-shell-executor.ts';
import { canUseNamespaceSandbox, startNamespaceSandbox } from '../shared/namespace-sandbox.test-support.ts';
import { firstFailure, runSteps } from '../shared/run-steps.ts';
import type { SshTarget } from '../../ssh/executor.ts';
import { glusterObserveScript } from './observe-script.ts';
import { parseHostObservation } from './parse-observed.ts';
import { fstabStep, unmountStep } from './steps.ts';

const target: SshTarget = { host: 'local', port: 22, user: 'root', privateKey: 'unused', hostKey: { policy: 'TrustOnFirstUse' } };

void test('the observe script runs to its end in a real shell, whatever the paths contain', async () => {
  const nonce = 'obs0001x';
  const script = glusterObserveScript({ brickDir: "/nonexistent/it's here/vol", volume: 'vol', mountPath: '/nonexistent/mnt point' }, nonce);
  const r = await new LocalShellExecutor().exec(target, 'sh -s', { stdin: script });
  const obs = parseHostObservation(r.stdout, nonce);
  assert.equal(obs.brick?.exists, false);
  assert.equal(obs.brick?.device, obs.rootDevice, 'the nearest existing parent of a missing path is /, on the root device');
  assert.equal(obs.mount?.mounted, undefined);
  assert.deepEqual(obs.mount?.fstab, []);
});

void test('fstab: the entry for the mount point is replaced, other lines kept, a second run changes nothing; unmount removes it', { skip: !canUseNamespaceSandbox() && 'needs root' }, async () => {
  const sandbox = await startNamespaceSandbox();
  try {
    await sandbox.run("printf '%s\\n' '# static' 'UUID=abc / ext4 defaults 0 1' 'old:/shared /mnt/shared glusterfs defaults 0 0' > /etc/fstab");
    const line = '10.0.0.10:/shared /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.0.0.11:10.0.0.12 0 0';
    const steps = [fstabStep('/mnt/shared', line)];
    const first = await runSteps(sandbox.executor, target, steps, 'fstab001');
    assert.equal(firstFailure(steps, first, []), undefined);
    const after = await sandbox.run('cat /etc/fstab');
    assert.equal(after, `# static\nUUID=abc / ext4 defaults 0 1\n${line}\n`);
    const inode = await sandbox.run('stat -c %i /etc/fstab');
    await runSteps(sandbox.executor, target, steps, 'fstab002');
    assert.equal(await sandbox.run('stat -c %i /etc/fstab'), inode, 'already right: not rewritten');
    const remove = [unmountStep('/mnt/shared')];
    const removed = await runSteps(sandbox.executor, target, remove, 'fstab003');
    assert.equal(firstFailure(remove, removed, []), undefined);
    assert.equal(await sandbox.run('cat /etc/fstab'), '# static\nUUID=abc / ext4 defaults 0 1\n');
  } finally {
    sandbox.stop();
  }
});
