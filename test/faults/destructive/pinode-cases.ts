// PiNode in the destructive-spec suite (issues 15 and 16): lockout attempts on bramble's own login
// user are refused (WouldLockOut) and change nothing, and bramble still logs in afterwards; one
// Pi's user filling their authorized_keys with 16 MiB makes only that PiNode report
// ObserveOutputTooLarge while a spec change on another Pi converges, with the operator (under
// the Deployment's heap cap) sampled for RSS throughout.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { waitFor } from '../../e2e/wait.ts';
import { runKubectl } from '../../controlplane/harness.ts';
import type { FaultFleet } from '../../e2e/converged-fleet.ts';
import type { DestructiveCase } from './case.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface PiNodeObject {
  spec: Record<string, unknown> & { users?: unknown[] };
  status?: { conditions?: Condition[]; lastSeen?: string };
}

async function piNode(ff: FaultFleet, name: string): Promise<PiNodeObject> {
  return JSON.parse(await ff.kubectl(['get', 'pinode', name, '-o', 'json'])) as PiNodeObject;
}

/** The fleet's PiNode `name` as the suite applied it, with `users` replaced. */
function withUsers(ff: FaultFleet, name: string, users: unknown[]): string {
  const docs = ff
    .piNodeYaml()
    .split('---\n')
    .map((d) => parse(d) as { metadata: { name: string }; spec: Record<string, unknown> });
  const doc = docs.find((d) => d.metadata.name === name);
  assert.ok(doc);
  doc.spec.users = users;
  return stringify(doc);
}

async function waitCondition(ff: FaultFleet, name: string, type: string, reason: string, timeoutMs = 120_000): Promise<Condition> {
  let last = '';
  await waitFor(
    `${name} ${type} ${reason}`,
    timeoutMs,
    async () => {
      const c = (await piNode(ff, name)).status?.conditions?.find((x) => x.type === type);
      last = `${c?.reason}: ${c?.message}`;
      return c?.reason === reason;
    },
    1000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last: ${last}`);
  });
  const c = (await piNode(ff, name)).status?.conditions?.find((x) => x.type === type);
  assert.ok(c);
  return c;
}

/** bramble logged in to `name` after `since`: a fresh observe over SSH set lastSeen and Ready. */
async function stillLogsIn(ff: FaultFleet, name: string, since: Date): Promise<void> {
  await waitFor(
    `bramble logs in to ${name} again`,
    120_000,
    async () => {
      const p = await piNode(ff, name);
      const ready = p.status?.conditions?.find((c) => c.type === 'Ready');
      return ready?.status === 'True' && p.status?.lastSeen !== undefined && new Date(p.status.lastSeen) > since;
    },
    1000,
  );
}

const aliceOf = (ff: FaultFleet) => ({
  name: 'alice',
  groups: ['users'],
  shell: '/bin/bash',
  authorizedKeys: [ff.fleet.clientKey.publicKey.trim()],
});

function rssMiB(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 'NaN');
  return kb / 1024;
}

export const cases: DestructiveCase[] = [
  {
    name: 'lockout attempts on the login user (no key, empty keys, nologin, false) are refused with WouldLockOut; bramble still logs in',
    async run(ctx) {
      const { ff } = ctx;
      // The plain cases are refused at kubectl apply (CEL); the key itself only the reconciler can check.
      const atAdmission: [string, unknown][] = [
        ['authorizedKeys: []', { name: 'pi', authorizedKeys: [] }],
        ['shell /usr/sbin/nologin', { name: 'pi', shell: '/usr/sbin/nologin' }],
        ['shell /bin/false', { name: 'pi', shell: '/bin/false' }],
      ];
      for (const [what, pi] of atAdmission) {
        const r = await runKubectl(ff.kubeconfigPath, ['apply', '-f', '-'], withUsers(ff, 'pi1', [aliceOf(ff), pi]));
        assert.notEqual(r.code, 0, `kubectl apply accepted ${what}`);
        assert.match(r.stderr, /this would lock bramble out/, what);
      }
      const otherKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOtherOtherOtherOtherOtherOtherOtherOther other@host';
      await ff.kubectl(['apply', '-f', '-'], withUsers(ff, 'pi1', [aliceOf(ff), { name: 'pi', authorizedKeys: [otherKey] }]));
      const c = await waitCondition(ff, 'pi1', 'Configured', 'WouldLockOut');
      assert.match(c.message, /spec\.users\[pi\]\.authorizedKeys would replace pi's authorized_keys without the key bramble logs in with/);
      const attempts = [...atAdmission, ['only another key', null]];
      const events = await ff.kubectl(['get', 'events.events.k8s.io', '-o', 'json']);
      assert.ok(events.includes('WouldLockOut'), 'a Warning Event was recorded');
      const revertedAt = new Date();
      await ff.kubectl(['apply', '-f', '-'], withUsers(ff, 'pi1', [aliceOf(ff)]));
      await stillLogsIn(ff, 'pi1', revertedAt);
      return {
        declared: {},
        notes: [
          `${attempts.length} lockout attempts refused (3 at kubectl apply, 1 by the reconciler), login afterwards proven by a new lastSeen`,
        ],
      };
    },
  },
  {
    name: "a user's 16 MiB authorized_keys: that PiNode reports ObserveOutputTooLarge, another Pi converges, the operator stays small",
    async run(ctx) {
      const { ff } = ctx;
      const pid = ff.operatorPid('op0');
      assert.ok(pid, 'the operator runs');
      const samples: number[] = [rssMiB(pid)];
      const sampler = setInterval(() => samples.push(rssMiB(pid)), 250);
      try {
        const keys = '/home/alice/.ssh/authorized_keys';
        await ff.onNode(
          'pi2',
          `cp -p ${keys} /root/authorized_keys.saved && runuser -u alice -- sh -c 'head -c 16777216 /dev/zero | tr "\\0" "\\n" > ${keys}'`,
        );
        const c = await waitCondition(ff, 'pi2', 'Configured', 'ObserveOutputTooLarge');
        assert.match(c.message, /~alice\/\.ssh\/authorized_keys on the Pi is larger than 65536 bytes/);
        // A spec change on another Pi still converges meanwhile (and is undone, so the disk ends as it began).
        const changedAt = new Date();
        const pi3 = (await piNode(ff, 'pi3')).spec;
        await ff.kubectl(['patch', 'pinode', 'pi3', '--type', 'merge', '-p', JSON.stringify({ spec: { timezone: 'UTC' } })]);
        await waitFor('pi3 on UTC', 120_000, async () => (await ff.onNode('pi3', 'cat /etc/timezone')) === 'UTC', 1000);
        await stillLogsIn(ff, 'pi3', changedAt);
        await ff.kubectl(['patch', 'pinode', 'pi3', '--type', 'merge', '-p', JSON.stringify({ spec: { timezone: pi3.timezone } })]);
        await waitFor(
          `pi3 back on ${String(pi3.timezone)}`,
          120_000,
          async () => (await ff.onNode('pi3', 'cat /etc/timezone')) === pi3.timezone,
          1000,
        );
        assert.equal(
          (await piNode(ff, 'pi2')).status?.conditions?.find((x) => x.type === 'Configured')?.reason,
          'ObserveOutputTooLarge',
          'pi2 still reports it',
        );
        const restoredAt = new Date();
        await ff.onNode('pi2', `cp -p /root/authorized_keys.saved ${keys} && rm /root/authorized_keys.saved`);
        await stillLogsIn(ff, 'pi2', restoredAt);
      } finally {
        clearInterval(sampler);
      }
      const peak = Math.max(...samples);
      assert.ok(peak < 150, `operator RSS peaked at ${peak.toFixed(1)} MiB`);
      return {
        declared: { pi3: { changed: ['/etc/timezone', '/etc/localtime'] } },
        notes: [`operator RSS ${samples[0]?.toFixed(1)} → peak ${peak.toFixed(1)} MiB over ${samples.length} samples (heap cap 160 MiB)`],
      };
    },
  },
];
