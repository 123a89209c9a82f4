// `bramble add-pi` as a user runs it, against a simulated Pi: it prints the Pi's host key
// fingerprint — the one `ssh-keygen -lf` prints on the Pi itself — creates a PiNode pinned to
// that key with --apply, the PiNode converges to Ready, `bramble status` shows it Ready with its
// Events, and a second add-pi of the same name leaves the PiNode untouched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { E2eEnvironment, condition } from './environment.ts';
import { REPO_ROOT } from '../controlplane/harness.ts';
import { waitFor } from './wait.ts';
import { normalizeHostKey } from '../../ssh/host-key.ts';

function bramble(args: string[], kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(REPO_ROOT, 'bin/bramble.js'), ...args],
      { env: { PATH: process.env.PATH, HOME: join(kubeconfig, '..'), KUBECONFIG: kubeconfig }, timeout: 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

void test(
  'bramble add-pi ADDRESS --apply: the fingerprint the Pi prints, a pinned PiNode, Ready; bramble status shows it',
  { timeout: 600_000 },
  async () => {
    const env = await E2eEnvironment.start({ name: 'addpi', nodes: 1, subnet: '10.213.57.0/24', resyncMs: 30_000 });
    try {
      const pi = env.fleet.nodes[0]!;
      const kubeconfig = env.cp.kubeconfigPath;
      const added = await bramble(['add-pi', pi.address, '--name', 'garden', '--user', 'pi', '--apply'], kubeconfig);
      assert.equal(added.code, 0, added.stderr);
      // What the owner sees on the Pi's console.
      const onConsole = (await env.onNode(pi.name, 'ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub')).split(' ')[1]!;
      assert.match(onConsole, /^SHA256:/);
      assert.ok(
        added.stderr.includes(`host key ${onConsole}`),
        `add-pi prints the fingerprint the Pi prints (${onConsole}):\n${added.stderr}`,
      );
      assert.match(added.stderr, /ssh-keygen -lf \/etc\/ssh\/ssh_host_ed25519_key\.pub/);
      assert.match(added.stdout, /pinode\.bramble\.dev\/garden created in default/);

      const pinode = await env.get('pinode', 'garden');
      assert.deepEqual(pinode.spec.ssh, {
        user: 'pi',
        privateKeySecretRef: { name: 'bramble-ssh-key' },
        hostKeyPolicy: 'Pinned',
        hostKey: normalizeHostKey(pi.hostKey),
      });
      await waitFor(
        'the added PiNode is Ready',
        300_000,
        async () => condition(await env.get('pinode', 'garden'), 'Ready')?.status === 'True',
      );

      const ready = await bramble(['status'], kubeconfig);
      assert.equal(ready.code, 0, ready.stderr);
      assert.match(ready.stdout, /^PiNode: 1\/1 Ready/);
      assert.match(ready.stdout, /PiNode default\/garden +Ready=True /);

      // A change held back (paused) on a Pi that was in sync: status shows the pending step and
      // its DriftDetected Event.
      await env.kubectl([
        'patch',
        'pinode',
        'garden',
        '--type',
        'merge',
        '-p',
        JSON.stringify({ spec: { paused: true, timezone: 'Europe/London' } }),
      ]);
      await waitFor(
        'the paused change is pending',
        120_000,
        async () => ((await env.get('pinode', 'garden')).status?.pendingSteps as unknown[] | undefined)?.length === 1,
      );
      await waitFor('its Event is recorded', 60_000, async () => (await env.events()).some((e) => e.reason === 'DriftDetected'));
      const pending = await bramble(['status'], kubeconfig);
      assert.equal(pending.code, 0, pending.stderr);
      assert.match(pending.stdout, /PiNode default\/garden .*\n(.*\n)* {2}pending \(1\):\n {4}timezone: [^\n]*Europe\/London/);
      assert.match(pending.stdout, /last events:\n(.*\n)*.*Normal +DriftDetected: drift detected, not corrected \(paused\)/);

      const again = await bramble(['add-pi', pi.address, '--name', 'garden', '--apply'], kubeconfig);
      assert.equal(again.code, 1);
      assert.match(again.stderr, /PiNode default\/garden already exists; not overwritten/);
      assert.equal((await env.get('pinode', 'garden')).metadata.name, 'garden');
    } finally {
      await env.close();
    }
  },
);
