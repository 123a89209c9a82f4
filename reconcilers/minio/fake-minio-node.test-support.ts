// Test support: Pis behind the recording executor (the SSH edge) that answer the MinIO observe
// script from a small model of their state and apply step scripts to it by what the steps do.
// The scripts themselves are not run here (see the end-to-end test for that).
import { createHash } from 'node:crypto';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import type { ExecOptions, SshTarget } from '../../ssh/executor.ts';

export interface FakeNode {
  binarySha256?: string;
  envSha256?: string;
  unitSha256?: string;
  user: boolean;
  drives: Set<string>;
  active: boolean;
  enabled: boolean;
  applied: boolean;
  live: boolean;
  clusterHealthy: boolean;
  /** What `systemctl is-system-running` and /proc/uptime say ("running 3600.00" unless set). */
  bootState?: string;
}

export const nonce = 'fixed0nonce';
const M = `@@bramble:${nonce}`;

export class FakeMinioFleet {
  readonly executor = new RecordingExecutor();
  readonly nodes = new Map<string, FakeNode>();
  /** What the mirror serves, as its sha256 (a "corrupted" download differs from the pin). */
  servedSha256 = '';
  /** The unit text the reconciler writes is not modelled; its hash is whatever was last written. */
  constructor(private readonly drivePaths: readonly string[]) {
    this.executor.on(() => true, (command, target, options) => this.answer(command, target, options));
  }

  add(address: string): FakeNode {
    const node: FakeNode = { user: false, drives: new Set(), active: false, enabled: false, applied: false, live: false, clusterHealthy: false };
    this.nodes.set(address, node);
    return node;
  }

  forgetCalls(): void {
    this.executor.calls.length = 0;
  }

  /** Calls that change something: everything but observes. */
  mutatingCalls() {
    return this.executor.calls.filter((c) => !(c.options.stdin?.toString() ?? '').includes('sec applied'));
  }

  private answer(command: string, target: SshTarget, options: ExecOptions) {
    const node = this.nodes.get(target.host);
    if (!node) return new Error(`no fake node at ${target.host}`);
    const stdin = options.stdin?.toString() ?? '';
    if (stdin.includes('sec applied')) return { stdout: this.observe(node) };
    if (command.includes('bramble-write')) {
      node.envSha256 = createHash('sha256').update(stdin).digest('hex');
      node.applied = false;
      return { stdout: 'changed\n' };
    }
    if (stdin.includes('run_step ')) return this.steps(node, stdin);
    return new Error(`unexpected command: ${command.slice(0, 80)}`);
  }

  private observe(n: FakeNode): string {
    const sec = (name: string, body = '') => `\n${M} ${name}\n${body}`;
    return [
      sec('binary', n.binarySha256 ?? ''),
      sec('user', n.user ? '998' : ''),
      sec('drives', this.drivePaths.map((p) => `${p}\t${n.drives.has(p) ? 'yes' : 'no'}\t${n.drives.has(p) ? 'minio-user' : '-'}\t${p}`).join('\n')),
      sec('env', n.envSha256 ? `600 root\n${n.envSha256}` : ''),
      sec('unit', n.unitSha256 ?? ''),
      sec('applied', n.applied ? 'current' : ''),
      sec('service', `${n.active ? 'active' : 'inactive'} ${n.enabled ? 'enabled' : 'disabled'}`),
      sec('live', n.live ? '200' : '000'),
      sec('cluster', n.live ? (n.clusterHealthy ? '200' : '503') : '000'),
      sec('boot-state', n.bootState ?? 'running 3600.00'),
      sec('end'),
    ].join('\n');
  }

  private steps(n: FakeNode, script: string) {
    const count = script.split('\n').filter((l) => l.trimStart().startsWith('run_step ')).length;
    const out: string[] = [];
    const err: string[] = [];
    for (let i = 0; i < count; i++) {
      out.push(`\n${M} step ${i} begin`);
      err.push(`\n${M} step ${i} begin`);
      let rc = 0;
      if (script.includes('curl -fsSL') && i === 0) {
        // The pinned digest is the first one in the fetch step.
        const pinned = /[0-9a-f]{64}/.exec(script)?.[0];
        if (pinned !== this.servedSha256) {
          rc = 65;
          err.push(`sha256 mismatch: the download has ${this.servedSha256}, spec.source.sha256 is ${pinned}`);
        }
      }
      out.push(`\n${M} step ${i} end ${rc}`);
      err.push(`\n${M} step ${i} end ${rc}`);
      if (rc !== 0) return { stdout: out.join('\n'), stderr: err.join('\n') };
    }
    if (script.includes('minio.new')) n.binarySha256 = this.servedSha256;
    if (script.includes('useradd')) n.user = true;
    if (script.includes('install -d -m 0750')) for (const p of this.drivePaths) n.drives.add(p);
    // Only the unit step uses replace_file; its first digest after the path is the unit's.
    const unit = script.includes('replace_file') ? /[0-9a-f]{64}/.exec(script.slice(script.indexOf('minio.service')))?.[0] : undefined;
    if (unit) n.unitSha256 = unit;
    if (script.includes('systemctl restart')) Object.assign(n, { active: true, enabled: true, applied: true, live: true, clusterHealthy: true });
    if (script.includes('disable -q --now')) Object.assign(n, { active: false, enabled: false, live: false });
    if (script.includes('rm -rf --one-file-system')) n.drives.clear();
    out.push(`\n${M} done`);
    return { stdout: out.join('\n'), stderr: err.join('\n') };
  }
}
