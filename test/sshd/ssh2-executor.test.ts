// The ssh2 executor against a real OpenSSH server (see sshd-fixture.ts).
import { after, before, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ssh2Executor } from '../../ssh/ssh2-executor.ts';
import type { Ssh2ExecutorOptions } from '../../ssh/ssh2-executor.ts';
import {
  AuthenticationError,
  CommandTimeoutError,
  ConnectionLostError,
  ExecutorClosedError,
  HostKeyMismatchError,
  InvalidCredentialsError,
  UnreachableError,
} from '../../ssh/errors.ts';
import type { CommandOutcome } from '../../ssh/observer.ts';
import { shellQuote } from '../../ssh/quote.ts';
import { killProcessesMatching, processMarker, processesMatching, startSshd, sudoUser, waitFor } from './sshd-fixture.ts';
import type { SshdFixture } from './sshd-fixture.ts';

let sshd: SshdFixture;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});

function executor(t: TestContext, options: Ssh2ExecutorOptions = {}): Ssh2Executor {
  const ex = new Ssh2Executor({ killAfterMs: 500, ...options });
  t.after(() => ex.close());
  return ex;
}

function count(text: string, needle: RegExp): number {
  return text.match(new RegExp(needle.source, 'g'))?.length ?? 0;
}

void test('exec returns stdout, stderr, the exit code and the presented host key', async (t) => {
  const ex = executor(t);
  const result = await ex.exec(sshd.target(), 'printf out; printf err >&2; exit 3');
  assert.equal(result.stdout, 'out');
  assert.equal(result.stderr, 'err');
  assert.equal(result.code, 3);
  assert.equal(result.signal, null);
  assert.equal(result.hostKey, sshd.hostKey);
  assert.ok(result.durationMs > 0);
});

void test('a command killed by a signal reports the signal and no exit code', async (t) => {
  const result = await executor(t).exec(sshd.target(), 'kill -TERM $$');
  assert.equal(result.signal, 'SIGTERM');
  assert.equal(result.code, null);
});

void test('stdin reaches the command byte for byte, and binary stdout comes back intact', async (t) => {
  const bytes = randomBytes(256 * 1024);
  const result = await executor(t).exec(sshd.target(), 'cat', { stdin: bytes });
  assert.equal(result.code, 0);
  assert.ok(result.stdoutBytes.equals(bytes));
});

void test('output past the cap is read and dropped, and the command still finishes', async (t) => {
  const result = await executor(t, { maxOutputBytes: 1000 }).exec(sshd.target(), 'head -c 2000000 /dev/zero; echo done >&2');
  assert.equal(result.code, 0);
  assert.equal(result.stdoutBytes.length, 1000);
  assert.equal(result.truncated, true);
  assert.equal(result.stderr, 'done\n');
});

void test('20 concurrent commands share one connection and never run more than 8 at once', async (t) => {
  const ex = executor(t);
  // Each command marks itself active in a shared directory, records how many are active,
  // then unmarks: what a command sees can only be less than or equal to the true concurrency.
  const dir = mkdtempSync(join(tmpdir(), 'bramble-concurrency-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const accepted = count(sshd.log(), /Accepted publickey for root/);
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      ex.exec(
        sshd.target(),
        `d=${shellQuote(dir)}; touch "$d/active.${i}"; sleep 0.3; ls "$d" | grep -c '^active' > "$d/seen.${i}"; sleep 0.3; rm "$d/active.${i}"`,
      ),
    ),
  );
  assert.deepEqual(
    results.map((r) => r.code),
    Array.from({ length: 20 }, () => 0),
  );
  const seen = readdirSync(dir)
    .filter((name) => name.startsWith('seen.'))
    .map((name) => Number(readFileSync(join(dir, name), 'utf8')));
  assert.equal(seen.length, 20);
  const most = Math.max(...seen);
  assert.ok(most <= 8, `saw ${most} commands running at once`);
  assert.ok(most >= 2, `commands did not overlap (max ${most})`);
  assert.equal(ex.connectionsOpened, 1);
  assert.equal(count(sshd.log(), /Accepted publickey for root/) - accepted, 1);
  const [stats] = await ex.connections();
  assert.equal(stats?.peakChannels, 8);
});

void test('a timed-out command is killed on the server, with its children, even if it ignores TERM', async (t) => {
  const marker = processMarker();
  t.after(() => killProcessesMatching(marker));
  const ex = executor(t);
  const pending = ex.exec(sshd.target(), `sh -c 'trap "" TERM; sleep 300.${marker}' & sleep 301.${marker}; wait`, { timeoutMs: 1500 });
  await waitFor(() => processesMatching(marker).length >= 2, 5_000);
  await assert.rejects(pending, (err) => err instanceof CommandTimeoutError && err.reason === 'CommandTimeout' && err.timeoutMs === 1500);
  await waitFor(() => processesMatching(marker).length === 0, 3_000).catch(() => undefined);
  assert.deepEqual(processesMatching(marker), []);
});

void test('a server that stops answering is detected by keepalive and running commands fail', async (t) => {
  const ex = executor(t, { keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
  await ex.exec(sshd.target(), 'true');
  const running = ex.exec(sshd.target(), 'sleep 3', { timeoutMs: 4_000 });
  await waitFor(() => /Starting session: command for root/.test(sshd.log().split('Close session').at(-1) ?? ''), 3_000);
  const thaw = sshd.freezeConnections();
  t.after(thaw);
  const err = await running.catch((e: unknown) => e);
  thaw();
  assert.ok(err instanceof ConnectionLostError, err instanceof Error ? String(err) : JSON.stringify(err));
  assert.equal(err.commandMayHaveRun, true);
  assert.equal((await ex.exec(sshd.target(), 'echo back')).stdout, 'back\n');
  assert.equal(ex.connectionsOpened, 2);
});

void test('when the channel itself stalls, the client-side deadline fails the exec', async (t) => {
  const ex = executor(t, { killAfterMs: 200, timeoutGraceMs: 300 });
  await ex.exec(sshd.target(), 'true');
  const thaw = sshd.freezeConnections();
  t.after(thaw);
  const started = Date.now();
  const err = await ex.exec(sshd.target(), 'touch /tmp/bramble-never-run', { timeoutMs: 300 }).catch((e: unknown) => e);
  const waited = Date.now() - started;
  thaw();
  assert.ok(err instanceof CommandTimeoutError, String(err));
  assert.ok(waited < 5_000, `gave up after ${waited} ms`);
});

void test('a command that exits 124 on its own is not taken for a timeout', async (t) => {
  const result = await executor(t).exec(sshd.target(), 'exit 124', { timeoutMs: 10_000 });
  assert.equal(result.code, 124);
});

void test('a wrong pinned key fails with HostKeyMismatchError before authentication', async (t) => {
  const ex = executor(t);
  const wrong = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
  const logBefore = sshd.log().length;
  const err = await ex.exec(sshd.target({ hostKey: { policy: 'Pinned', key: wrong } }), 'touch /tmp/never').catch((e: unknown) => e);
  assert.ok(err instanceof HostKeyMismatchError, String(err));
  assert.equal(err.reason, 'HostKeyMismatch');
  assert.equal(err.expected, wrong);
  assert.equal(err.presented, sshd.hostKey);
  await waitFor(() => /Disconnected from 127\.0\.0\.1 port \d+ \[preauth\]/.test(sshd.log().slice(logBefore)), 3_000);
  const logged = sshd.log().slice(logBefore);
  assert.match(logged, /Connection from 127\.0\.0\.1/);
  // Disconnect reason 3 is SSH_DISCONNECT_KEY_EXCHANGE_FAILED: the client hung up during key exchange.
  assert.match(logged, /Received disconnect from 127\.0\.0\.1 port \d+:3: /);
  assert.doesNotMatch(logged, /publickey|Accepted|Postponed|Failed|userauth|Invalid user/);
});

void test('a changed pin is checked against a pooled connection before anything is sent on it', async (t) => {
  const ex = executor(t);
  await ex.exec(sshd.target(), 'true');
  const wrong = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';
  const sessions = count(sshd.log(), /Starting session/);
  await assert.rejects(ex.exec(sshd.target({ hostKey: { policy: 'Pinned', key: wrong } }), 'true'), HostKeyMismatchError);
  assert.equal(count(sshd.log(), /Starting session/), sessions);
  assert.equal(ex.connectionsOpened, 1);
});

void test('a pinned RSA or ECDSA key is matched against that key, not the default ed25519 one', async (t) => {
  for (const key of [sshd.rsaHostKey, sshd.ecdsaHostKey, `${sshd.hostKey} with a comment`]) {
    const result = await executor(t).exec(sshd.target({ hostKey: { policy: 'Pinned', key } }), 'true');
    assert.equal(result.hostKey, key.split(' ').slice(0, 2).join(' '));
  }
  assert.match(sshd.rsaHostKey, /^ssh-rsa /);
});

void test('TrustOnFirstUse returns the key it saw, then holds the host to it', async (t) => {
  const ex = executor(t);
  const first = await ex.exec(sshd.target({ hostKey: { policy: 'TrustOnFirstUse' } }), 'true');
  assert.equal(first.hostKey, sshd.hostKey);
  const again = await ex.exec(sshd.target({ hostKey: { policy: 'TrustOnFirstUse', known: first.hostKey } }), 'echo ok');
  assert.equal(again.stdout, 'ok\n');
  const stranger = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC';
  const fresh = executor(t);
  await assert.rejects(fresh.exec(sshd.target({ hostKey: { policy: 'TrustOnFirstUse', known: stranger } }), 'true'), HostKeyMismatchError);
});

void test('after sshd restarts, the next exec reconnects with a fresh client', async (t) => {
  const ex = executor(t);
  assert.equal((await ex.exec(sshd.target(), 'echo one')).stdout, 'one\n');
  await sshd.restart();
  assert.equal((await ex.exec(sshd.target(), 'echo two')).stdout, 'two\n');
  assert.equal(ex.connectionsOpened, 2);
});

void test('commands queued for a channel when the connection drops run on a fresh one; running ones fail', async (t) => {
  const ex = executor(t);
  const sessions = count(sshd.log(), /Starting session/);
  const all = Array.from({ length: 10 }, () =>
    ex.exec(sshd.target(), 'sleep 5; echo finished').then(
      (r) => r,
      (e: unknown) => e,
    ),
  );
  await waitFor(() => count(sshd.log(), /Starting session/) - sessions >= 8, 10_000);
  await sshd.dropConnections();
  const outcomes = await Promise.all(all);
  const lost = outcomes.filter((o) => o instanceof ConnectionLostError);
  const finished = outcomes.filter((o): o is { stdout: string } => !(o instanceof Error));
  assert.equal(lost.length, 8, 'the 8 that were running may have run: they fail, they are not repeated');
  assert.ok(lost.every((e) => e instanceof ConnectionLostError && e.commandMayHaveRun));
  assert.equal(finished.length, 2, 'the 2 that were waiting for a slot ran on a new connection');
  assert.ok(finished.every((r) => r.stdout === 'finished\n'));
  assert.equal(ex.connectionsOpened, 2);
});

void test('a key the server does not accept fails as AuthenticationError', async (t) => {
  const err = await executor(t)
    .exec(sshd.target({ privateKey: sshd.strangerKey }), 'true')
    .catch((e: unknown) => e);
  assert.ok(err instanceof AuthenticationError, String(err));
  assert.equal(err.reason, 'AuthenticationFailed');
  assert.doesNotMatch(err.message, /PRIVATE KEY/);
});

void test('a private key that does not parse fails as InvalidCredentialsError without connecting', async (t) => {
  const err = await executor(t)
    .exec(sshd.target({ privateKey: 'not a key' }), 'true')
    .catch((e: unknown) => e);
  assert.ok(err instanceof InvalidCredentialsError, String(err));
});

void test('an unreachable host fails as UnreachableError, and is left alone while backing off', async (t) => {
  let now = 1_000_000;
  const ex = executor(t, { now: () => now, backoff: { initialMs: 5_000, maxMs: 60_000 } });
  // The fixture's port is open; this one was just free and nothing listens on it.
  const closedPort = sshd.port === 65535 ? 65534 : sshd.port + 1;
  const target = sshd.target({ port: closedPort });
  const first = await ex.exec(target, 'true').catch((e: unknown) => e);
  assert.ok(first instanceof UnreachableError, String(first));
  const second = await ex.exec(target, 'true').catch((e: unknown) => e);
  assert.equal(second, first, 'the backoff answers with the last failure without connecting');
  now += 5_001;
  const third = await ex.exec(target, 'true').catch((e: unknown) => e);
  assert.ok(third instanceof UnreachableError);
  assert.notEqual(third, first, 'after the backoff a new attempt is made');
});

void test('a new private key gets a new connection and the old one is closed', async (t) => {
  const ex = executor(t);
  const [keyA, keyB] = sshd.clientKeys;
  await ex.exec(sshd.target({ privateKey: keyA }), 'true');
  await ex.exec(sshd.target({ privateKey: keyB }), 'true');
  assert.equal(ex.connectionsOpened, 2);
  await waitFor(() => ex.openConnections === 1, 5_000);
  assert.equal((await ex.connections()).length, 1);
});

void test('an idle connection is closed after idleCloseMs', async (t) => {
  const ex = executor(t, { idleCloseMs: 200 });
  await ex.exec(sshd.target(), 'true');
  assert.equal((await ex.connections()).length, 1);
  await waitFor(() => ex.openConnections === 0, 5_000);
  assert.equal((await ex.connections()).length, 0);
  await ex.exec(sshd.target(), 'true');
  assert.equal(ex.connectionsOpened, 2);
});

void test('asRoot runs through sudo -n for a non-root user, and not without it', async (t) => {
  assert.ok(sshd.hasSudoUser, `user ${sudoUser} is missing: run scripts/setup.sh as root`);
  const ex = executor(t);
  const target = sshd.target({ user: sudoUser });
  assert.equal((await ex.exec(target, 'id -u', { asRoot: true })).stdout, '0\n');
  assert.notEqual((await ex.exec(target, 'id -u')).stdout, '0\n');
  const marker = processMarker();
  t.after(() => killProcessesMatching(marker));
  const timedOut = await ex.exec(target, `sleep 30.${marker}`, { asRoot: true, timeoutMs: 500 }).catch((e: unknown) => e);
  assert.ok(timedOut instanceof CommandTimeoutError, String(timedOut));
  await waitFor(() => processesMatching(marker).length === 0, 3_000).catch(() => undefined);
  assert.deepEqual(processesMatching(marker), [], 'the root command sudo started is gone too');
});

void test('the observer sees every command with a bounded outcome and every failure reason', async (t) => {
  const outcomes: CommandOutcome[] = [];
  const reasons: string[] = [];
  const ex = executor(t, {
    observer: {
      onCommand: (seconds, outcome) => {
        assert.ok(seconds >= 0);
        outcomes.push(outcome);
      },
      onError: (reason) => reasons.push(reason),
    },
  });
  await ex.exec(sshd.target(), 'true');
  await ex.exec(sshd.target(), 'false');
  await ex.exec(sshd.target(), 'kill -KILL $$');
  await ex.exec(sshd.target(), 'sleep 5', { timeoutMs: 300 }).catch(() => undefined);
  await ex.exec(sshd.target({ privateKey: sshd.strangerKey }), 'true').catch(() => undefined);
  assert.deepEqual(outcomes, ['success', 'nonzero', 'signal', 'timeout', 'error']);
  assert.deepEqual(reasons, ['CommandTimeout', 'AuthenticationFailed']);
});

void test('after close() the executor refuses work and has no connection left', async (t) => {
  const ex = executor(t);
  await ex.exec(sshd.target(), 'true');
  await ex.close();
  assert.equal((await ex.connections()).length, 0);
  await assert.rejects(ex.exec(sshd.target(), 'true'), ExecutorClosedError);
});
