// One Connection against a real sshd, without the executor's remote wrapper: proves the
// client-side fallback (signal the channel, close it) on its own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Connection } from '../../ssh/connection.ts';
import { CommandTimeoutError } from '../../ssh/errors.ts';
import { killProcessesMatching, processMarker, processesMatching, startSshd, sudoUser, waitFor } from './sshd-fixture.ts';
import type { SshdFixture } from './sshd-fixture.ts';

const settings = { readyTimeoutMs: 10_000, keepaliveIntervalMs: 0, keepaliveCountMax: 3, maxChannels: 8, idleCloseMs: 60_000 };

let sshd: SshdFixture;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

// OpenSSH honours a channel's signal request only for non-root logins (it drops privilege
// separation after a root login and then refuses: "session signalling requires privilege
// separation"), so this runs as the sudo user, like Raspberry Pi OS's default. For root, the
// executor's remote wrapper is what ends the command (see ssh2-executor.test.ts).
void test('past its deadline a channel is signalled and closed, and the remote command dies', async (t) => {
  assert.ok(sshd.hasSudoUser, `user ${sudoUser} is missing: run scripts/setup.sh as root`);
  const connection = await Connection.open(sshd.target({ user: sudoUser }), settings);
  t.after(() => connection.close());
  const marker = processMarker();
  // Should the assertion fail, the command this test started must not outlive it.
  t.after(() => killProcessesMatching(marker));
  const pending = connection.run({ command: `sleep 60.${marker}`, deadlineMs: 800, timeoutMs: 800, maxOutputBytes: 1024 });
  await waitFor(() => processesMatching(marker).length > 0, 5_000);
  await assert.rejects(pending, CommandTimeoutError);
  await waitFor(() => processesMatching(marker).length === 0, 3_000).catch(() => undefined);
  assert.deepEqual(processesMatching(marker), []);
  // The slot came back: the connection still runs commands.
  const again = await connection.run({ command: 'echo alive', deadlineMs: 5_000, timeoutMs: 5_000, maxOutputBytes: 1024 });
  assert.equal(again.stdout.toString(), 'alive\n');
  assert.equal(connection.activeChannels, 0);
});

void test('the connection reports the host key it verified', async (t) => {
  const connection = await Connection.open(sshd.target({ hostKey: { policy: 'TrustOnFirstUse' } }), settings);
  t.after(() => connection.close());
  assert.equal(connection.hostKey, sshd.hostKey);
});
