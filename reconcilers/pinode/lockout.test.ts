// Issue 15, reproduction 5: a PiNode spec must not lock bramble out of its own Pi. Each refused
// spec is checked through the reconciler with a fake Pi: a condition, a Warning, nothing sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { piNodeReconciler } from './reconciler.ts';
import { lockoutProblems, publicKeyOf } from './lockout.ts';
import { aliceKey, condition, context, convergedPi, FakePi, freshPi, node, privateKey, t0 } from './fake-pi.test-support.ts';
import type { PiNodeUser } from './pinode-types.ts';

const brambleKey = publicKeyOf(privateKey) ?? assert.fail('the test key parses');

async function refused(login: PiNodeUser, sshUser = 'pi') {
  const pi = new FakePi(freshPi());
  const spec = {
    ssh: { user: sshUser, privateKeySecretRef: { name: 'pi-key' }, hostKeyPolicy: 'TrustOnFirstUse' as const },
    users: [login],
  };
  const result = await piNodeReconciler.reconcile(node(spec), context(pi.executor, t0));
  assert.equal(pi.calls.length, 0, 'nothing is sent to the Pi');
  assert.equal(condition(result.status, 'Configured')?.reason, 'WouldLockOut');
  assert.equal(condition(result.status, 'Stalled')?.reason, 'WouldLockOut');
  assert.deepEqual(
    result.events.map((e) => [e.type, e.reason]),
    [['Warning', 'WouldLockOut']],
  );
  return result.events[0]?.message ?? '';
}

void test('the login user with authorizedKeys: [] is refused, nothing sent', async () => {
  const message = await refused({ name: 'pi', authorizedKeys: [] });
  assert.match(message, /without the key bramble logs in with/);
  assert.ok(message.includes(brambleKey), 'the message names the key to keep');
});

void test('the login user with only other keys is refused, whatever ssh.user is called', async () => {
  await refused({ name: 'pi', authorizedKeys: [aliceKey] });
  await refused({ name: 'admin', authorizedKeys: [aliceKey] }, 'admin');
});

void test('a login shell that cannot run commands is refused for the login user', async () => {
  for (const shell of ['/usr/sbin/nologin', '/bin/false', '/bin/true', '/sbin/nologin', '/bin/bsah']) {
    assert.match(await refused({ name: 'pi', shell }), new RegExp(`shell ${shell} cannot run`), shell);
  }
});

void test('the same settings for a user bramble does not log in as are applied', async () => {
  const pi = new FakePi(freshPi());
  const result = await piNodeReconciler.reconcile(
    node({ users: [{ name: 'alice', shell: '/usr/sbin/nologin', authorizedKeys: [] }] }),
    context(pi.executor, t0),
  );
  assert.equal(pi.applies.length, 1);
  assert.equal(condition(result.status, 'Configured')?.status, 'True');
});

void test("the login user keeping bramble's key (any comment) and a real shell converges", async () => {
  const pi = new FakePi(convergedPi());
  const login = { name: 'pi', shell: '/bin/bash', authorizedKeys: [`${brambleKey} bramble@operator`, aliceKey] };
  const result = await piNodeReconciler.reconcile(node({ users: [login] }), context(pi.executor, t0));
  assert.equal(condition(result.status, 'Configured')?.status, 'True');
  assert.ok(pi.applies[0]?.options.stdin?.toString().includes(brambleKey), "the key file written keeps bramble's key");
});

void test('a spec that leaves the login user out plans nothing for it (bramble never removes a user)', async () => {
  const pi = new FakePi(freshPi());
  await piNodeReconciler.reconcile(node({ users: [] }), context(pi.executor, t0));
  const script = pi.applies[0]?.options.stdin?.toString() ?? '';
  assert.doesNotMatch(script, /userdel|deluser|U='pi'/);
  assert.deepEqual(lockoutProblems(node({ users: [] }).spec, privateKey), []);
});
