// The `bramble run` and `bramble controlplane` commands as a user runs them: a real process,
// the printed `export KUBECONFIG=…` line, kubectl through it, and a clean stop on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, runKubectl } from './harness.ts';

async function runBramble(args: string[], home: string, check: (kubeconfig: string) => Promise<void>): Promise<{ code: number | null; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.KUBECONFIG;
  delete env.KUBERNETES_SERVICE_HOST;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'bramble.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  try {
    const kubeconfig = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no export line within 30 s; stderr: ${stderr}`)), 30_000);
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString('utf8');
        const m = /^export KUBECONFIG=(.+)$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      });
      child.on('exit', () => reject(new Error(`bramble exited early: ${stderr}`)));
    });
    await check(kubeconfig);
    child.kill('SIGTERM');
    return { code: await exited, stderr };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

void test('bramble run with no cluster configured starts the control plane, installs the CRDs, starts the operator and prints the export line', async () => {
  const home = mkdtempSync(join(tmpdir(), 'bramble-run-'));
  try {
    const operatorFlags = ['--metrics-bind-address=127.0.0.1:0', '--health-probe-bind-address=127.0.0.1:0'];
    const { code, stderr } = await runBramble(['run', '--listen', '127.0.0.1:0', ...operatorFlags], home, async (kubeconfig) => {
      assert.equal(kubeconfig, join(home, '.bramble', 'kubeconfig'));
      const crds = await runKubectl(kubeconfig, ['get', 'crd', '-o', 'name']);
      assert.equal(crds.code, 0, crds.stderr);
      assert.match(crds.stdout, /pinodes\.bramble\.dev/);
      const pis = await runKubectl(kubeconfig, ['get', 'pinodes']);
      assert.match(pis.stderr, /No resources found/);
    });
    assert.equal(code, 0, 'SIGTERM stops it cleanly');
    assert.match(stderr, /"msg":"operator running"/, 'the operator was started on the embedded control plane');
    assert.ok(existsSync(join(home, '.bramble', 'state.db')));
    assert.ok(existsSync(join(home, '.bramble', 'token')));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

void test('bramble controlplane --in-memory --kubeconfig-out serves kubectl', async () => {
  const home = mkdtempSync(join(tmpdir(), 'bramble-cp-'));
  const out = join(home, 'kc.yaml');
  try {
    const { code } = await runBramble(['controlplane', '--in-memory', '--listen', '127.0.0.1:0', '--kubeconfig-out', out], home, async (kubeconfig) => {
      assert.equal(kubeconfig, out);
      const ns = await runKubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
      assert.equal(ns.code, 0, ns.stderr);
      assert.match(ns.stdout, /namespace\/default/);
    });
    assert.equal(code, 0);
    assert.ok(!existsSync(join(home, '.bramble')), 'in-memory leaves no data dir');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
