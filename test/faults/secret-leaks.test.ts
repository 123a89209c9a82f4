// The leak checker can fail: values planted in a ConfigMap, a log line, an Event or the control
// plane's SQLite file are found, in each form a secret takes, and the report never prints them.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectStore } from '../../controlplane/store.ts';
import type { KubeObject } from '../../controlplane/types.ts';
import { binaryKeySecret, findSecretLeaks, sshKeySecret, storedObjects, textSecret, type Source } from './secret-leaks.ts';
import { worldReadableFiles } from './secret-leaks-pi.ts';

const PASSWORD = 'planted-minio-password-7f3a';
const TOKEN = randomBytes(32).toString('hex');
const MUNGE = randomBytes(128);
const PEM = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PEM_RSA = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

const secrets = [
  textSecret('password', PASSWORD),
  textSecret('token', TOKEN, { random: true }),
  binaryKeySecret('munge', MUNGE),
  sshKeySecret('ssh', PEM),
  sshKeySecret('ssh-rsa', PEM_RSA),
];

const configMap = (data: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', namespace: 'default' }, data }, null, 1);

test('a clean fleet has no hits, even where names and public parts of the secrets appear', () => {
  const sources: Source[] = [
    { where: 'log op0', text: 'info reconciled minio-root rootPassword Secret seed-munge-key munge.key\nssh-privatekey bramble-ssh-key\n' },
    {
      where: 'cm',
      text: configMap({
        pub: generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        other: randomBytes(600).toString('base64'),
      }),
    },
  ];
  assert.deepEqual(findSecretLeaks(secrets, sources), []);
});

test('a password planted in a ConfigMap and in a log line is found, with where, and not printed', () => {
  const sources: Source[] = [
    { where: 'configmaps default/cm', text: configMap({ 'minio.env': `MINIO_ROOT_PASSWORD=${PASSWORD}` }) },
    { where: 'log operator-op0.log', text: `line one\nline two\nerror: connecting with ${PASSWORD} failed\n` },
    { where: 'events default/e1', text: JSON.stringify({ note: `Secret ${Buffer.from(PASSWORD).toString('base64')}` }) },
  ];
  const leaks = findSecretLeaks(secrets, sources);
  assert.deepEqual(leaks.map((l) => `${l.secret} ${l.form} ${l.where}`).sort(), [
    'password as text configmaps default/cm:9',
    'password as text log operator-op0.log:3',
    'password in base64 events default/e1:1',
  ]);
  for (const l of leaks) assert.ok(!JSON.stringify(l).includes(PASSWORD), 'a leak report never holds the value');
});

test('a bearer token shown cut short is still found', () => {
  const leaks = findSecretLeaks(secrets, [{ where: 'log cp', text: `request with Authorization: Bearer ${TOKEN.slice(0, 20)}… denied` }]);
  assert.equal(leaks.length, 1);
  assert.match(leaks[0]!.form, /characters 0–15/);
  assert.deepEqual(
    findSecretLeaks(secrets, [{ where: 'log cp', text: `Bearer ${TOKEN.slice(0, 15)}` }]),
    [],
    '15 characters are below the bar',
  );
});

test('any 16-byte window of the munge key is found inside base64 or hex of a file that embeds it, at every alignment', () => {
  for (const start of [0, 1, 2, 37, 56, 112]) {
    for (const prefix of [0, 1, 2, 5]) {
      const file = Buffer.concat([randomBytes(prefix), MUNGE.subarray(start, start + 16), randomBytes(7)]);
      const b64 = findSecretLeaks(secrets, [{ where: 'step', text: `printf %s '${file.toString('base64')}' | base64 -d > /etc/x` }]);
      assert.ok(
        b64.some((l) => l.secret === 'munge'),
        `base64, window at ${start}, prefix ${prefix}`,
      );
      const hex = findSecretLeaks(secrets, [{ where: 'step', text: `xxd -r -p <<< ${file.toString('hex')}` }]);
      assert.ok(
        hex.some((l) => l.secret === 'munge' && l.form.startsWith('hex')),
        `hex, window at ${start}, prefix ${prefix}`,
      );
    }
  }
  const whole = findSecretLeaks(secrets, [{ where: 'secret data', text: MUNGE.toString('base64') }]);
  assert.ok(whole.some((l) => l.form === 'the whole key in base64'));
  // 13 bytes hold only three whole base64 groups at the worst alignment: below the bar.
  const short = Buffer.concat([randomBytes(1), MUNGE.subarray(40, 53)]).toString('base64');
  assert.deepEqual(
    findSecretLeaks(secrets, [{ where: 'step', text: short }]).filter((l) => l.secret === 'munge' && l.form.startsWith('base64')),
    [],
  );
});

test('each line of a private key body, and the key as a Secret stores it, is found', () => {
  for (const [label, pem] of [
    ['ssh', PEM],
    ['ssh-rsa', PEM_RSA],
  ] as const) {
    const body = pem.split('\n').filter((l) => l && !l.startsWith('-----'));
    for (const [i, line] of body.entries()) {
      if (line.length < 16) continue;
      const leaks = findSecretLeaks(secrets, [{ where: 'log', text: `debug key material: ${line}\n` }]);
      assert.ok(
        leaks.some((l) => l.secret === label && l.form === `line ${i + 1} of the key's base64 body`),
        `${label} line ${i + 1}`,
      );
    }
    const stored = Buffer.from(pem).toString('base64');
    const leaks = findSecretLeaks(secrets, [{ where: 'cm', text: configMap({ key: stored }) }]);
    assert.ok(
      leaks.some((l) => l.secret === label && l.form.startsWith('the whole key')),
      `${label} whole`,
    );
    // Part of the Secret's value, past the constant header, is found too.
    const part = findSecretLeaks(secrets, [{ where: 'cm', text: stored.slice(stored.length - 100, stored.length - 30) }]);
    assert.ok(
      part.some((l) => l.secret === label),
      `${label} part of the stored value`,
    );
  }
});

test("the control plane's SQLite file is searched directly, Secrets left out", () => {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-leaks-'));
  try {
    const store = new ObjectStore(join(dir, 'state.db'));
    const obj =
      (kind: string, name: string, data: Record<string, string>) =>
      (rv: number): KubeObject =>
        ({ apiVersion: 'v1', kind, metadata: { name, namespace: 'default', resourceVersion: String(rv) }, data }) as unknown as KubeObject;
    store.write(
      '/secrets',
      'default',
      'minio-root',
      obj('Secret', 'minio-root', { rootPassword: Buffer.from(PASSWORD).toString('base64') }),
    );
    store.write('/configmaps', 'default', 'clean', obj('ConfigMap', 'clean', { a: 'b' }));
    store.write('/configmaps', 'default', 'planted', obj('ConfigMap', 'planted', { env: `PASSWORD=${PASSWORD}` }));
    const sources = storedObjects(join(dir, 'state.db'));
    store.close();
    assert.deepEqual(sources.map((s) => s.where).sort(), ['state.db /configmaps default/clean', 'state.db /configmaps default/planted']);
    assert.deepEqual(
      findSecretLeaks(secrets, sources).map((l) => `${l.secret} ${l.form} ${l.where}`),
      ['password as text state.db /configmaps default/planted:1'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('on a Pi, a file any local user can read is searched; one kept 0600 or behind a 0700 directory is not', (t) => {
  const root = mkdtempSync(join(tmpdir(), 'leak-pi-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  chmodSync(root, 0o755);
  for (const [dir, mode] of [
    ['etc/default', 0o755],
    ['root', 0o700],
  ] as const) {
    mkdirSync(join(root, dir), { recursive: true });
    chmodSync(join(root, 'etc'), 0o755);
    chmodSync(join(root, dir), mode);
  }
  const write = (path: string, text: string, mode: number) => {
    writeFileSync(join(root, path), text);
    chmodSync(join(root, path), mode);
  };
  write('etc/default/minio', `MINIO_ROOT_PASSWORD="${PASSWORD}"`, 0o644);
  write('etc/default/private', `MINIO_ROOT_PASSWORD="${PASSWORD}"`, 0o600);
  write('root/notes', PASSWORD, 0o644);
  // The node's own writes and its merged view are the same directory here.
  const { files } = worldReadableFiles(root, root);
  assert.deepEqual(files.map((f) => f.path).sort(), ['/etc/default/minio']);
  const leaks = findSecretLeaks(
    secrets,
    files.map((f) => ({ where: `pi1:${f.path} (world-readable)`, text: f.text })),
  );
  assert.deepEqual(
    leaks.map((l) => `${l.secret} ${l.where}`),
    ['password pi1:/etc/default/minio (world-readable):1'],
  );
});

test("a secret file's digest in a process list is found (the command line writeFileIfChanged used to run)", () => {
  const digest = randomBytes(32).toString('hex');
  const ps: Source[] = [
    { where: 'ps on pi1', text: `root sh -c set -eu ... bramble-write /etc/default/minio 600 root root ${digest}\nroot sshd: pi [priv]` },
  ];
  const found = findSecretLeaks([{ label: 'the sha256 of /etc/default/minio', needles: [{ form: 'hex digest', value: digest }] }], ps);
  assert.deepEqual(
    found.map((l) => `${l.secret} ${l.where}`),
    ['the sha256 of /etc/default/minio ps on pi1:1'],
  );
});
