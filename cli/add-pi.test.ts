import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit } from '../crds/admission-for-tests.ts';
import { hostKeyFingerprint } from '../ssh/host-key.ts';
import { parseCommandLine } from '../controllers/command-line.ts';
import { ADD_PI_FLAGS, addPiOptions, defaultName, fingerprintAdvice, piNodeFor } from './add-pi.ts';

const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEhMQdMaJ2G7kAcPgtcvMYrZfL+a30s6e2qHiPWia/x4';
const options = (...argv: string[]) => {
  const parsed = parseCommandLine(argv, ADD_PI_FLAGS, 1);
  return addPiOptions(parsed.values, parsed.positionals);
};

void test('flags: ADDRESS, defaults, and a name made from the address', () => {
  assert.deepEqual(options('10.0.0.10'), {
    address: '10.0.0.10',
    name: 'pi-10-0-0-10',
    user: 'pi',
    port: 22,
    secret: 'bramble-ssh-key',
    apply: false,
  });
  assert.equal(defaultName('pi3.lan'), 'pi3');
  assert.equal(defaultName('fd00::10'), 'pi-fd00-10');
  const o = options('pi3.lan', '--name', 'pi3', '--user', 'admin', '--port', '2222', '--apply', '--namespace', 'lab');
  assert.deepEqual([o.name, o.user, o.port, o.apply, o.namespace], ['pi3', 'admin', 2222, true, 'lab']);
  assert.throws(() => options(), /needs the Pi's ADDRESS/);
  assert.throws(() => options('a', '--port', '99999'), /--port must be 1 to 65535/);
  assert.throws(() => options('a', 'b'), /unexpected argument "b"/);
});

void test("the PiNode is pinned to the key read and passes the CRD's admission as it is", () => {
  const pinode = piNodeFor(options('10.0.0.10', '--name', 'pi0'), key, 'default');
  assert.deepEqual(pinode.spec, {
    address: '10.0.0.10',
    port: 22,
    ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKeyPolicy: 'Pinned', hostKey: key },
  });
  const admission = admit('PiNode', pinode);
  assert.deepEqual(admission.causes, []);
  assert.deepEqual(admission.pruned, []);
});

void test("the advice names the fingerprint and the command to run on the Pi's console", () => {
  const text = fingerprintAdvice('10.0.0.10', key);
  assert.ok(text.includes(hostKeyFingerprint(key)));
  assert.match(text, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
  assert.match(hostKeyFingerprint(key), /^SHA256:[A-Za-z0-9+/]{43}$/);
});
