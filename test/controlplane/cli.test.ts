// The `bramble run` and `bramble controlplane` commands as a user runs them: a real process,
// the printed `export KUBECONFIG=…` line, kubectl through it, and a clean stop on SIGTERM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKubectl, startBrambleProcess } from './harness.ts';

async function runBramble(
  args: string[],
  home: string,
  check: (kubeconfig: string) => Promise<void>,
): Promise<{ code: number | null; stderr: string }> {
  const bramble = await startBrambleProcess(args, home);
  try {
    await check(bramble.kubeconfig);
    const code = await bramble.stop();
    return { code, stderr: bramble.output().stderr };
  } finally {
    await bramble.stop('SIGKILL');
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
    const { code } = await runBramble(
      ['controlplane', '--in-memory', '--listen', '127.0.0.1:0', '--kubeconfig-out', out],
      home,
      async (kubeconfig) => {
        assert.equal(kubeconfig, out);
        const ns = await runKubectl(kubeconfig, ['get', 'namespaces', '-o', 'name']);
        assert.equal(ns.code, 0, ns.stderr);
        assert.match(ns.stdout, /namespace\/default/);
      },
    );
    assert.equal(code, 0);
    assert.ok(!existsSync(join(home, '.bramble')), 'in-memory leaves no data dir');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
