// The exec credential plugin: what it is told, what of its answer is used, and how long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execCredentialSource, parseExecCredential } from './exec-credential.ts';

const v1 = 'client.authentication.k8s.io/v1';
const answer = (status: object, apiVersion = v1): string => JSON.stringify({ apiVersion, kind: 'ExecCredential', status });

void test('a token is reused until shortly before its expirationTimestamp, then the plugin runs again', async () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const runs: string[] = [];
  const source = execCredentialSource(
    { apiVersion: v1, command: 'gke-gcloud-auth-plugin', provideClusterInfo: true, interactiveMode: 'Never' },
    'https://34.1.2.3',
    {
      now: () => now,
      env: {},
      run: async (command, args, env) => {
        runs.push(env.KUBERNETES_EXEC_INFO ?? '');
        return answer({ token: `t${runs.length}`, expirationTimestamp: '2026-01-01T01:00:00Z' });
      },
    },
  );
  assert.equal((await source()).token, 't1');
  assert.deepEqual(JSON.parse(runs[0]!), {
    apiVersion: v1,
    kind: 'ExecCredential',
    spec: { interactive: false, cluster: { server: 'https://34.1.2.3' } },
  });
  now += 59 * 60_000;
  assert.equal((await source()).token, 't1', 'still valid');
  now += 55_000;
  assert.equal((await source()).token, 't2', 'renewed before it lapses');
  assert.equal(runs.length, 2);
});

void test('concurrent callers share one plugin run', async () => {
  let runs = 0;
  const source = execCredentialSource({ apiVersion: v1, command: 'p' }, 'https://x', {
    env: {},
    run: async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 20));
      return answer({ token: 'shared' });
    },
  });
  const got = await Promise.all([source(), source(), source()]);
  assert.deepEqual(
    got.map((c) => c.token),
    ['shared', 'shared', 'shared'],
  );
  assert.equal(runs, 1);
});

void test('a client certificate from the plugin; a failing or wrong answer is an error, and the next call tries again', async () => {
  const pem = parseExecCredential(answer({ clientCertificateData: 'CERT', clientKeyData: 'KEY' }), v1, 0).credential;
  assert.deepEqual([pem.cert?.toString(), pem.key?.toString(), pem.token], ['CERT', 'KEY', undefined]);
  assert.throws(() => parseExecCredential('not json', v1, 0), /no JSON/);
  assert.throws(() => parseExecCredential(answer({ token: 'x' }, 'client.authentication.k8s.io/v1beta1'), v1, 0), /asked for/);
  assert.throws(() => parseExecCredential(answer({}), v1, 0), /neither a token/);
  let fail = true;
  const source = execCredentialSource({ apiVersion: v1, command: 'p' }, 'https://x', {
    env: {},
    run: async () => {
      if (fail) throw new Error('plugin exited 1');
      return answer({ token: 'ok' });
    },
  });
  await assert.rejects(source(), /exited 1/);
  fail = false;
  assert.equal((await source()).token, 'ok');
});

void test('unsupported plugin configurations are refused up front', () => {
  assert.throws(() => execCredentialSource({ apiVersion: 'client.authentication.k8s.io/v1alpha1', command: 'p' }, 's'), /not supported/);
  assert.throws(() => execCredentialSource({ apiVersion: v1, command: 'p', interactiveMode: 'Always' }, 's'), /interactive terminal/);
});
