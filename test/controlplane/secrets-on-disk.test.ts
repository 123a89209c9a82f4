// The control plane's secrets on disk and on the terminal, as a user runs `bramble controlplane`:
// the data dir and every file in it private on every start (a dir and files left 0755/0644,
// the SQLite -wal and -shm of a killed run included), and the admin token never printed — in
// memory without --kubeconfig-out the kubeconfig goes to a private file whose path is printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { runKubectl, startBrambleProcess } from './harness.ts';

const mode = (p: string) => statSync(p).mode & 0o777;

function tokenIn(kubeconfig: string): string {
  const doc = parse(readFileSync(kubeconfig, 'utf8')) as { users: { user: { token: string } }[] };
  return doc.users[0]!.user.token;
}

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = { '.': mode(dir).toString(8) };
  // .kube is kubectl's cache: the harness runs kubectl with HOME beside the kubeconfig.
  for (const f of readdirSync(dir)) if (f !== '.kube') out[f] = mode(join(dir, f)).toString(8);
  return out;
}

void test("a data dir left readable by others, with a killed run's -wal and -shm, is made private on the next start", async () => {
  const home = mkdtempSync(join(tmpdir(), 'bramble-modes-'));
  const data = join(home, 'data');
  try {
    const first = await startBrambleProcess(['controlplane', '--data-dir', data, '--listen', '127.0.0.1:0'], home);
    try {
      const created = await runKubectl(first.kubeconfig, ['create', 'secret', 'generic', 's', '--from-literal=k=v']);
      assert.equal(created.code, 0, created.stderr);
      // Files a fresh start creates are private already (umask 077 and explicit modes).
      for (const [f, m] of Object.entries(modes(data))) assert.equal(m, f === '.' ? '700' : '600', `${f} on first start`);
    } finally {
      await first.stop('SIGKILL');
    }
    assert.ok(existsSync(join(data, 'state.db-wal')) && existsSync(join(data, 'state.db-shm')), 'a killed run leaves -wal and -shm');

    chmodSync(data, 0o755);
    for (const f of Object.keys(modes(data))) if (f !== '.') chmodSync(join(data, f), 0o644);
    const second = await startBrambleProcess(['controlplane', '--data-dir', data, '--listen', '127.0.0.1:0'], home);
    try {
      const got = modes(data);
      assert.deepEqual(Object.keys(got).sort(), [
        '.',
        'ca.crt',
        'ca.key',
        'kubeconfig',
        'state.db',
        'state.db-shm',
        'state.db-wal',
        'token',
      ]);
      for (const [f, m] of Object.entries(got)) assert.equal(m, f === '.' ? '700' : '600', `${f} after restart`);
      const read = await runKubectl(second.kubeconfig, ['get', 'secret', 's', '-o', 'name']);
      assert.equal(read.stdout.trim(), 'secret/s', 'the data survived');
      const { stdout, stderr } = second.output();
      assert.ok(!`${stdout}${stderr}`.includes(tokenIn(second.kubeconfig)), 'the token is not printed');
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

void test('in memory without --kubeconfig-out: the kubeconfig path is printed, never the token; the file is 0600 and gone on exit', async () => {
  const home = mkdtempSync(join(tmpdir(), 'bramble-inmem-'));
  try {
    const bramble = await startBrambleProcess(['controlplane', '--in-memory', '--listen', '127.0.0.1:0'], home);
    const kubeconfig = bramble.kubeconfig;
    try {
      assert.equal(mode(kubeconfig), 0o600);
      assert.equal(mode(dirname(kubeconfig)), 0o700);
      const ns = await runKubectl(kubeconfig, ['get', 'namespace', 'default', '-o', 'name']);
      assert.equal(ns.stdout.trim(), 'namespace/default', ns.stderr);
      const token = tokenIn(kubeconfig);
      const { stdout, stderr } = bramble.output();
      assert.ok(!`${stdout}${stderr}`.includes(token), `the token is not printed: ${stdout}`);
      assert.doesNotMatch(stdout, /token/i);
    } finally {
      assert.equal(await bramble.stop(), 0);
    }
    assert.ok(!existsSync(kubeconfig) && !existsSync(dirname(kubeconfig)), 'the temporary kubeconfig is removed on exit');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
