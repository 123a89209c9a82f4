// Test support: a Pi behind the recording executor (ssh/recording-executor.ts). It answers the
// real observe script with a blob rendered from its state, and the real apply script with
// per-step markers (optionally failing one step), so reconciler tests need no host at all.
import assert from 'node:assert/strict';
import type { ExecResult, Executor } from '../../ssh/executor.ts';
import { RecordingExecutor, type RecordedCall } from '../../ssh/recording-executor.ts';
import type { ClusterView, ReconcileContext, SecretView } from '../contract.ts';
import type { PiNode, PiNodeSpec, PiNodeStatus } from './pinode-types.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';

export interface FakeUser {
  groups: string[];
  shell: string;
  keys?: string[];
}

export interface FakeState {
  hostname: string;
  timezone: string;
  users: Record<string, FakeUser>;
  packages: string[];
  /** Seconds since boot and the kernel boot id, when the test cares about reboots. */
  boot?: { uptimeSeconds: number; bootId: string };
}

export const fakeHostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakePiHostKeyForReconcilerTests';
export const privateKey = testPrivateKey;

/** A Pi behind the recording executor: it answers the scripts the reconciler sends from `state`. */
export class FakePi {
  readonly executor = new RecordingExecutor(fakeHostKey);
  failAt?: { index: number; code: number; stderr: string };
  throws?: Error;
  observeExit?: { code: number; stderr: string };

  constructor(public state: FakeState) {
    this.executor.on('sh -s', (_command, _target, options) => this.answer(options.stdin?.toString() ?? ''));
  }

  get calls(): RecordedCall[] {
    return this.executor.calls;
  }

  get applies(): RecordedCall[] {
    return this.calls.filter((c) => c.options.stdin?.toString().includes('run_step '));
  }

  forgetCalls(): void {
    this.executor.calls.length = 0;
  }

  private answer(stdin: string): Partial<ExecResult> | Error {
    if (this.throws) return this.throws;
    const marker = /M='(@@bramble:[0-9a-z]+)'/.exec(stdin)?.[1];
    assert.ok(marker, 'every script carries its marker');
    if (stdin.includes('sec end')) {
      if (this.observeExit) return { code: this.observeExit.code, stderr: this.observeExit.stderr };
      return { stdout: this.render(marker) };
    }
    const count = stdin.split('\n').filter((l) => l.startsWith('  run_step ')).length;
    let stdout = '';
    let stderr = '';
    for (let i = 0; i < count; i++) {
      const fail = this.failAt?.index === i ? this.failAt : undefined;
      stdout += `\n${marker} step ${i} begin\n\n${marker} step ${i} end ${fail ? fail.code : 0}\n`;
      stderr += `\n${marker} step ${i} begin\n${fail ? `${fail.stderr}\n` : ''}\n${marker} step ${i} end ${fail ? fail.code : 0}\n`;
      if (fail) return { stdout, stderr };
    }
    return { stdout: `${stdout}\n${marker} done\n`, stderr };
  }

  private render(marker: string): string {
    const s = this.state;
    const sections: [string, string][] = [
      ['model', 'Raspberry Pi 4 Model B Rev 1.4\0'],
      ['arch', 'aarch64\n'],
      ['meminfo', 'MemTotal:        3884056 kB\n'],
      ['thermal', '47236\n'],
      ['throttled', 'throttled=0x50005\n'],
      ['hostname', `${s.hostname}\n`],
      ['etc-hostname', `${s.hostname}\n`],
      ['etc-hosts-127.0.1.1', `127.0.1.1\t${s.hostname}\n`],
      ['etc-timezone', `${s.timezone}\n`],
      ['localtime', `/usr/share/zoneinfo/${s.timezone}\n`],
    ];
    if (s.boot) sections.push(['uptime', `${s.boot.uptimeSeconds}.25 99.0\n`], ['boot-id', `${s.boot.bootId}\n`]);
    for (const [name, u] of Object.entries(s.users)) {
      sections.push([`user-passwd ${name}`, `${name}:x:1001:1001::/home/${name}:${u.shell}\n`]);
      sections.push([`user-groups ${name}`, `${[name, ...u.groups].join(' ')}\n`]);
      if (u.keys) {
        sections.push([
          `user-ssh ${name}`,
          `/home/${name}/.ssh|directory|700|${name}\n/home/${name}/.ssh/authorized_keys|regular file|600|${name}\n`,
        ]);
        sections.push([`user-keys ${name}`, u.keys.map((k) => `${k}\n`).join('')]);
      }
    }
    const groups = new Set(['sudo', 'audio', 'video', ...Object.values(s.users).flatMap((u) => u.groups)]);
    sections.push(['groups', [...groups].map((g, i) => `${g}:x:${100 + i}:\n`).join('')]);
    sections.push(['packages', s.packages.map((p) => `${p}\tii \n`).join('')], ['end', '']);
    return sections.map(([name, body]) => `\n${marker} ${name}\n${body}`).join('');
  }
}

export const aliceKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAliceAliceAliceAliceAliceAliceAliceAlice alice@laptop';

export function freshPi(): FakeState {
  return { hostname: 'raspberrypi', timezone: 'Europe/London', users: { pi: { groups: ['sudo'], shell: '/bin/bash' } }, packages: ['git'] };
}

export function convergedPi(): FakeState {
  return {
    hostname: 'pi1',
    timezone: 'Europe/Berlin',
    users: { pi: { groups: ['sudo'], shell: '/bin/bash' }, alice: { groups: ['video'], shell: '/bin/bash', keys: [aliceKey] } },
    packages: ['git', 'htop'],
  };
}

export function node(spec: Partial<PiNodeSpec> = {}, status?: PiNodeStatus): PiNode {
  const obj: PiNode = {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: 'pi1', namespace: 'default', generation: 3 },
    spec: {
      address: '10.0.0.11',
      port: 22,
      ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-key' }, hostKeyPolicy: 'TrustOnFirstUse' },
      hostname: 'pi1',
      timezone: 'Europe/Berlin',
      packages: ['htop'],
      users: [{ name: 'alice', groups: ['video'], authorizedKeys: [aliceKey] }],
      ...spec,
    },
  };
  if (status) obj.status = status;
  return obj;
}

export function context(
  executor: Executor,
  now: Date,
  secret: SecretView | null = { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(privateKey) } },
): ReconcileContext {
  const view: ClusterView = {
    getSecret: (namespace, name) => (namespace === 'default' && name === 'pi-key' && secret ? secret : undefined),
    list: () => {
      throw new Error('not used');
    },
    get: () => {
      throw new Error('not used');
    },
  };
  const quiet = () => undefined;
  return { executor, view, clock: { now: () => now }, log: { debug: quiet, info: quiet, warn: quiet, error: quiet } };
}

export const t0 = new Date('2026-11-25T12:00:00Z');
export const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

export function condition(status: PiNodeStatus, type: string) {
  return status.conditions?.find((c) => c.type === type);
}
