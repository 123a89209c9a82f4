// Test support: Pis behind the recording executor (the SSH edge) that answer the MinIO observe
// script from a small model of their state and apply step scripts to it by what the steps do,
// including the checks the drives and delete steps make on the Pi (marker, emptiness, deployment).
// The scripts themselves are not run here (see the end-to-end test for that).
import { createHash } from 'node:crypto';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { splitFileStdin } from '../../ssh/remote-file.ts';
import type { ExecOptions, SshTarget } from '../../ssh/executor.ts';

/** What a drive directory holds, as far as ownership goes. */
export interface FakeDrive {
  /** The marker's uid and name, when there is one. */
  marker?: { uid: string; name: string };
  /** MinIO's deployment ID in .minio.sys/format.json, once formatted. */
  deploymentId?: string;
  /** Entries besides the marker and lost+found. */
  entries: number;
}

/** The deployment ID the fake MinIO formats fresh drives with. */
export const fakeDeploymentId = '6f1c2b5e-0d4a-4c1e-9a3b-7e2d1f0c9b8a';

export interface FakeNode {
  binarySha256?: string;
  envSha256?: string;
  /** The pool the env file's first line names. */
  envPool?: string;
  unitSha256?: string;
  user: boolean;
  /** The service user's login shell (a system user's /usr/sbin/nologin unless set). */
  userShell?: string;
  drives: Map<string, FakeDrive>;
  homes?: string[];
  stampMode?: string;
  active: boolean;
  enabled: boolean;
  applied: boolean;
  live: boolean;
  clusterHealthy: boolean;
  /** What `systemctl is-system-running` and /proc/uptime say ("running 3600.00" unless set). */
  bootState?: string;
  /** When set, every step fails and prints this on stderr (a tool echoing what it was given). */
  failingStepStderr?: string;
}

export const nonce = 'fixed0nonce';
const M = `@@bramble:${nonce}`;

/** The drive paths a script loops over (`for d in '/a' '/b'; do`). */
function drivePathsIn(script: string): string[] {
  const list = /for d in (.+?); do/.exec(script)?.[1] ?? '';
  return [...list.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
}

export class FakeMinioFleet {
  readonly executor = new RecordingExecutor();
  readonly nodes = new Map<string, FakeNode>();
  /** What the mirror serves, as its sha256 (a "corrupted" download differs from the pin). */
  servedSha256 = '';
  /** The unit text the reconciler writes is not modelled; its hash is whatever was last written. */
  constructor() {
    this.executor.on(
      () => true,
      (command, target, options) => this.answer(command, target, options),
    );
  }

  add(address: string): FakeNode {
    const node: FakeNode = {
      user: false,
      drives: new Map(),
      active: false,
      enabled: false,
      applied: false,
      live: false,
      clusterHealthy: false,
    };
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
    if (stdin.includes('sec applied')) return { stdout: this.observe(node, drivePathsIn(stdin)) };
    if (command.includes('bramble-write')) {
      const content = splitFileStdin(options.stdin as Buffer).content.toString('utf8');
      node.envSha256 = createHash('sha256').update(content).digest('hex');
      node.envPool = /MinioPool (\S+);/.exec(content)?.[1];
      node.applied = false;
      return { stdout: 'changed\n' };
    }
    if (stdin.includes('run_step ')) return this.steps(node, stdin);
    return new Error(`unexpected command: ${command.slice(0, 80)}`);
  }

  private observe(n: FakeNode, drivePaths: readonly string[]): string {
    const sec = (name: string, body = '') => `\n${M} ${name}\n${body}`;
    const drive = (p: string) => {
      const d = n.drives.get(p);
      if (!d) return `${p}\tno\t-\t/srv\t-\t-\t-\t-\t0`;
      return [
        p,
        'yes',
        'minio-user',
        p,
        d.marker?.uid ?? '-',
        d.marker?.name ?? '-',
        d.marker ? 'yes' : '-',
        d.deploymentId ?? '-',
        String(d.entries),
      ].join('\t');
    };
    return [
      sec('binary', n.binarySha256 ?? ''),
      sec('user', n.user ? `998:${n.userShell ?? '/usr/sbin/nologin'}` : ''),
      sec('drives', drivePaths.map(drive).join('\n')),
      sec(
        'env',
        n.envSha256
          ? `600 root\n${n.envSha256}\n# Managed by bramble for MinioPool ${n.envPool ?? '?'}; changes here are overwritten.`
          : '',
      ),
      sec('unit', n.unitSha256 ?? ''),
      sec('applied', n.applied ? 'current' : ''),
      sec('stamp-mode', n.stampMode ?? (n.applied ? '600' : '')),
      sec('home-dirs', (n.homes ?? ['/root', '/home/pi', '/nonexistent']).join('\n')),
      sec('service', `${n.active ? 'active' : 'inactive'} ${n.enabled ? 'enabled' : 'disabled'}`),
      sec('live', n.live ? '200' : '000'),
      sec('cluster', n.live ? (n.clusterHealthy ? '200' : '503') : '000'),
      sec('boot-state', n.bootState ?? 'running 3600.00'),
      sec('end'),
    ].join('\n');
  }

  /** What the drives and delete steps refuse on the Pi, as their scripts check it; undefined when they go ahead. */
  private driveCheck(n: FakeNode, script: string): string | undefined {
    const owner = /uid='([^']*)' name='([^']*)' user=\S+ adopt='([^']*)'/.exec(script);
    if (owner) {
      for (const path of drivePathsIn(script)) {
        const d = n.drives.get(path);
        if (!d) continue;
        if (d.marker && d.marker.uid !== owner[1]) return `${path} carries another resource's marker; left alone`;
        if (!d.marker && d.entries > 0 && !(owner[3] ?? '').includes(` ${path} `))
          return `${path} is not empty and carries no marker of this pool; left alone`;
      }
    }
    for (const [, path, uid, want] of script.matchAll(/^d='([^']*)' uid='([^']*)' want=(\S*)/gm)) {
      const d = n.drives.get(path ?? '');
      if (d && d.marker?.uid !== uid) return `${path} does not carry this pool's marker; left in place`;
      const wanted = (want ?? '').replaceAll("'", '');
      if (d?.deploymentId && wanted && d.deploymentId !== wanted) return `${path} holds another deployment; left in place`;
    }
    return undefined;
  }

  private steps(n: FakeNode, quoted: string) {
    // Each step's text reaches the script single-quoted: read it as the shell will.
    const script = quoted.replaceAll("'\\''", "'");
    const count = script.split('\n').filter((l) => l.trimStart().startsWith('run_step ')).length;
    const out: string[] = [];
    const err: string[] = [];
    for (let i = 0; i < count; i++) {
      out.push(`\n${M} step ${i} begin`);
      err.push(`\n${M} step ${i} begin`);
      let rc = 0;
      const refused = this.driveCheck(n, script) ?? n.failingStepStderr;
      if (refused) {
        rc = 1;
        err.push(refused);
      }
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
    const owner = /uid='([^']*)' name='([^']*)'/.exec(script);
    if (script.includes('install -d -m 0750') && owner) {
      for (const p of drivePathsIn(script)) {
        const d = n.drives.get(p) ?? { entries: 0 };
        d.marker ??= { uid: owner[1] ?? '', name: owner[2] ?? '' };
        n.drives.set(p, d);
      }
    }
    // Only the unit step uses replace_file; its first digest after the path is the unit's.
    const unit = script.includes('replace_file') ? /[0-9a-f]{64}/.exec(script.slice(script.indexOf('minio.service')))?.[0] : undefined;
    if (unit) n.unitSha256 = unit;
    if (script.includes('systemctl restart')) {
      Object.assign(n, { active: true, enabled: true, applied: true, live: true, clusterHealthy: true });
      // MinIO formats its drives on first start.
      for (const d of n.drives.values()) d.deploymentId ??= fakeDeploymentId;
    }
    if (script.includes('disable -q --now')) Object.assign(n, { active: false, enabled: false, live: false });
    for (const [, path] of script.matchAll(/^d='([^']*)' uid=/gm)) n.drives.delete(path ?? '');
    out.push(`\n${M} done`);
    return { stdout: out.join('\n'), stderr: err.join('\n') };
  }
}
