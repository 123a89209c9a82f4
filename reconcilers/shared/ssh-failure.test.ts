import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationError,
  CommandTimeoutError,
  ConnectionLostError,
  ExecutorClosedError,
  HostKeyMismatchError,
  InvalidCredentialsError,
  UnreachableError,
} from '../../ssh/errors.ts';
import { reachabilityFailure } from './ssh-failure.ts';

const at = '10.0.0.11:22';

void test('each transport error maps to its Reachable reason; only human-fixable ones need attention', () => {
  const cases: [Error, string, boolean][] = [
    [new HostKeyMismatchError(at, 'ssh-ed25519 AAAA1', 'ssh-ed25519 AAAA2'), 'HostKeyMismatch', true],
    [new UnreachableError(at, 'connect ECONNREFUSED'), 'Unreachable', false],
    [new AuthenticationError(at, 'all methods failed'), 'AuthenticationFailed', true],
    [new InvalidCredentialsError(at, 'encrypted key'), 'InvalidCredentials', true],
    [new CommandTimeoutError(at, 60_000, '', ''), 'Timeout', false],
    [new ConnectionLostError(at, 'reset', true), 'ConnectionLost', false],
  ];
  for (const [error, reason, attention] of cases) {
    assert.deepEqual(reachabilityFailure(error), { reason, message: error.message, needsAttention: attention });
  }
});

void test('errors from another copy of the transport are recognised by class name', () => {
  const foreign = Object.assign(new Error('handshake timed out'), { name: 'UnreachableError' });
  assert.equal(reachabilityFailure(foreign)?.reason, 'Unreachable');
});

void test('a closed executor and plain bugs are not reachability problems (the caller rethrows)', () => {
  assert.equal(reachabilityFailure(new ExecutorClosedError(at, 'closed')), undefined);
  assert.equal(reachabilityFailure(new TypeError('x is undefined')), undefined);
  assert.equal(reachabilityFailure('a string'), undefined);
});
