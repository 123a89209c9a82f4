import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingExecutor } from './recording-executor.ts';
import type { SshTarget } from './executor.ts';

const pi: SshTarget = { host: '10.0.0.7', port: 22, user: 'pi', privateKey: 'k', hostKey: { policy: 'TrustOnFirstUse' } };

void test('records every call and answers from the first matching entry', async () => {
  const executor = new RecordingExecutor()
    .on('hostname', { stdout: 'pi7\n' })
    .on(/^cat \/proc\/cpuinfo/, (command) => ({ stdout: `ran ${command.length}` }))
    .on(() => true, { code: 1, stderr: 'nope' });
  assert.equal((await executor.exec(pi, 'hostname')).stdout, 'pi7\n');
  assert.equal((await executor.exec(pi, 'cat /proc/cpuinfo')).stdout, 'ran 17');
  const other = await executor.exec(pi, 'reboot', { asRoot: true });
  assert.equal(other.code, 1);
  assert.deepEqual(executor.commands, ['hostname', 'cat /proc/cpuinfo', 'reboot']);
  assert.deepEqual(executor.calls[2]?.options, { asRoot: true });
});

void test('limited entries run out, errors are thrown, unscripted commands fail', async () => {
  const executor = new RecordingExecutor().on('apt-get', new Error('lock held'), 1).on('apt-get', { stdout: 'ok' });
  await assert.rejects(executor.exec(pi, 'apt-get install -y slurmd'), /lock held/);
  assert.equal((await executor.exec(pi, 'apt-get install -y slurmd')).stdout, 'ok');
  await assert.rejects(executor.exec(pi, 'uptime'), /no scripted answer for command: uptime/);
});
