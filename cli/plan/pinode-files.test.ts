// The content plan predicts for /etc/hosts is what the real etc-hosts step (its awk, run by the
// real sh) then writes, checked in a private mount namespace with a copy of /etc (root only).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canUseNamespaceSandbox,
  startNamespaceSandbox,
  type NamespaceSandbox,
} from '../../reconcilers/shared/namespace-sandbox.test-support.ts';
import { etcHostsStep } from '../../reconcilers/pinode/steps/hostname.ts';
import type { ObservedState } from '../../reconcilers/pinode/parse-state.ts';
import type { PiNodeSpec } from '../../reconcilers/pinode/pinode-types.ts';
import { shellQuote } from '../../ssh/quote.ts';
import { plannedPiNodeFiles, rewriteHosts } from './pinode-files.ts';

const unsure: ObservedState = { loopbackNames: [], users: new Map(), existingGroups: new Set(), installedPackages: new Set() };
let sandbox: NamespaceSandbox | undefined;

before(async () => {
  if (canUseNamespaceSandbox()) sandbox = await startNamespaceSandbox();
});

after(() => sandbox?.stop());

const cases: [string, string][] = [
  ['a Debian default', '127.0.0.1\tlocalhost\n127.0.1.1\traspberrypi\n\n::1\tlocalhost ip6-localhost\n'],
  ['no 127.0.1.1 line', '127.0.0.1 localhost\n'],
  ['two 127.0.1.1 lines and a comment', '# managed by hand\n127.0.1.1  old-name old\n10.0.0.5 nas\n127.0.1.1 other\n'],
  ['no newline at the end', '127.0.0.1 localhost\n127.0.1.1 x'],
];

for (const [name, hosts] of cases) {
  void test(`/etc/hosts as predicted, as the step writes it: ${name}`, { skip: !canUseNamespaceSandbox() && 'needs root' }, async () => {
    const step = etcHostsStep('pi-new', unsure);
    assert.ok(step);
    await sandbox!.run(`printf '%s' ${shellQuote(hosts)} > /etc/hosts`);
    await sandbox!.run(step.command);
    assert.equal(rewriteHosts(hosts, 'pi-new'), await sandbox!.run('cat /etc/hosts'));
  });
}

void test("files are planned only for the steps that write them, at the user's real home", () => {
  const state: ObservedState = {
    ...unsure,
    users: new Map([['alice', { exists: true, home: '/srv/alice', groups: [], authorizedKeys: [] }]]),
  };
  const steps = [
    { name: 'hostname', description: '', command: '', mutating: true as const, timeoutMs: 1, eventReason: 'X' },
    { name: 'authorized-keys:alice', description: '', command: '', mutating: true as const, timeoutMs: 1, eventReason: 'X' },
    { name: 'packages', description: '', command: '', mutating: true as const, timeoutMs: 1, eventReason: 'X' },
  ];
  const spec: PiNodeSpec = {
    address: 'x',
    port: 22,
    ssh: { user: 'pi', privateKeySecretRef: { name: 's' }, hostKeyPolicy: 'TrustOnFirstUse' },
    hostname: 'pi9',
    users: [{ name: 'alice', authorizedKeys: [' k1 ', '', 'k2'] }],
  };
  const files = plannedPiNodeFiles(spec, state, steps);
  assert.deepEqual(
    files.map((f) => [f.step, f.path, f.after(undefined)]),
    [
      ['hostname', '/etc/hostname', 'pi9\n'],
      ['authorized-keys:alice', '/srv/alice/.ssh/authorized_keys', 'k1\nk2\n'],
    ],
  );
});
