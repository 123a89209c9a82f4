import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { endedLikeRemoteTimeout, wrapRemoteCommand } from './remote-command.ts';

const base = { user: 'pi', asRoot: false, timeoutMs: 5000, killAfterMs: 1000 };

void test('root commands of a sudo user go through sudo -n; root itself needs no sudo', () => {
  assert.match(wrapRemoteCommand('id -u', { ...base, asRoot: true }), /^exec sudo -n sh -c /);
  assert.doesNotMatch(wrapRemoteCommand('id -u', { ...base, user: 'root', asRoot: true }), /sudo/);
  assert.doesNotMatch(wrapRemoteCommand('id -u', base), /sudo/);
});

void test('the wrapped command runs unchanged under a local shell', () => {
  const command = `printf '%s' "it's $((1+2))"; echo " $0" >&2; exit 7`;
  const run = spawnSync('/bin/sh', ['-c', wrapRemoteCommand(command, base)]);
  assert.equal(run.stdout.toString(), "it's 3");
  assert.equal(run.stderr.toString(), ' sh\n');
  const piped = spawnSync('/bin/sh', ['-c', wrapRemoteCommand('tr a-z A-Z', base)], { input: 'stdin reaches it' });
  assert.equal(piped.stdout.toString(), 'STDIN REACHES IT');
  assert.equal(run.status, 7);
});

void test('the wrapper kills the command and its children when time is up, even if TERM is ignored', () => {
  const marker = `${process.pid}${Date.now() % 100000}`;
  const command = `sh -c 'trap "" TERM; sleep 30.${marker}' & sleep 31.${marker}; wait`;
  const run = spawnSync('/bin/sh', ['-c', wrapRemoteCommand(command, { ...base, timeoutMs: 300, killAfterMs: 300 })], {
    timeout: 10_000,
  });
  assert.ok(endedLikeRemoteTimeout(run.status, run.signal), `exit ${run.status} signal ${run.signal}`);
  const left = spawnSync('pgrep', ['-f', marker]).stdout.toString().trim();
  assert.equal(left, '');
});

void test('a command killed by a signal dies of that signal, not of an exit code', () => {
  const run = spawnSync('/bin/sh', ['-c', wrapRemoteCommand('kill -TERM $$', base)]);
  assert.equal(run.signal, 'SIGTERM');
  assert.equal(run.status, null);
});

void test('a timeout that is not a positive number is refused', () => {
  assert.throws(() => wrapRemoteCommand('true', { ...base, timeoutMs: 0 }));
  assert.throws(() => wrapRemoteCommand('a\0b', base));
});
