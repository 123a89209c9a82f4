// Test support: Pis running munge/Slurm behind ONE recording executor (the SSH edge). Each host
// answers the real observe script from its state, and the real step scripts by reading the
// commands they carry (file contents and hashes, systemctl verbs, scontrol updates) and changing
// its state as the real command would. The controller's scontrol/sinfo/squeue output is rendered
// in Slurm 22.05's formats from the slurm.conf it holds plus per-node overrides a test sets.
import { createHash } from 'node:crypto';
import type { ExecOptions, ExecResult, SshTarget } from '../../ssh/executor.ts';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { splitFileStdin } from '../../ssh/remote-file.ts';
import { mungeKeyPath, ctldStampPath, slurmdStampPath } from './observe-script.ts';
import { slurmConfPath } from './slurm-conf.ts';
import { hostOwnerPath, stateOwnerPath } from './ownership.ts';

export interface FakeNodeSlurmState {
  base: string;
  flags: string[];
  reason?: string;
  cpusAllocated?: number;
}

export interface FakeHost {
  name: string;
  address: string;
  hostname: string;
  cgroup: 'v1' | 'v2';
  installed: Set<string>;
  mungeKey?: { owner: string; group: string; mode: string; sha256: string };
  files: Map<string, string>;
  services: Map<string, { active: boolean; enabled: boolean }>;
  stamps: Map<string, string>;
  /** What `systemctl is-system-running` and /proc/uptime say ("running 3600.00" unless set). */
  bootState?: string;
}

export const fakeHostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeSlurmHostKeyForReconcilerTests';

export function freshHost(name: string, address: string): FakeHost {
  return { name, address, hostname: name, cgroup: 'v2', installed: new Set(), files: new Map(), services: new Map(), stamps: new Map() };
}

function sha256(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Reads one POSIX single-quoted word (with '\'' escapes) starting at `at`. */
function unquote(text: string, at: number): { value: string; end: number } {
  let value = '';
  let i = at;
  for (;;) {
    if (text[i] !== "'") break;
    const close = text.indexOf("'", i + 1);
    value += text.slice(i + 1, close);
    i = close + 1;
    if (text.startsWith("\\''", i)) {
      value += "'";
      i += 2;
    } else break;
  }
  return { value, end: i };
}

/** The step commands of a step script, in order. */
export function stepCommands(script: string): string[] {
  const out: string[] = [];
  const re = /^ {2}run_step \d+ \d+ /gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(script))) out.push(unquote(script, m.index + m[0].length).value);
  return out;
}

/** All single-quoted words in a command, unquoted. */
function words(command: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < command.length; i++) {
    if (command[i] === "'") {
      const { value, end } = unquote(command, i);
      out.push(value);
      i = end - 1;
    }
  }
  return out;
}

export class FakeSlurmFleet {
  readonly executor = new RecordingExecutor(fakeHostKey);
  readonly hosts = new Map<string, FakeHost>();
  /** Slurm's view of nodes beyond "IDLE": set by tests (jobs, admin drains, down). */
  readonly slurm = new Map<string, FakeNodeSlurmState>();
  partitionStateOverride = new Map<string, string>();
  jobs: string[] = [];
  reconfigures = 0;
  failCommand?: RegExp;
  /** What a failing command prints on stderr. */
  failureStderr = 'fake failure';

  constructor(hosts: FakeHost[]) {
    for (const h of hosts) this.hosts.set(h.address, h);
    this.executor.on('sh -s', (_c, target, options) => this.answerScript(target, options));
    this.executor.on('bramble-write', (command, target, options) => this.answerWrite(command, target, options));
  }

  host(name: string): FakeHost {
    const h = [...this.hosts.values()].find((x) => x.name === name);
    if (!h) throw new Error(`no fake host ${name}`);
    return h;
  }

  /** Commands that change something (everything but observes). */
  mutatingCalls(): { host: string; command: string }[] {
    return this.executor.calls
      .filter((c) => !(c.options.stdin?.toString() ?? '').includes('sec end'))
      .flatMap((c) => {
        const host = this.hosts.get(c.target.host)?.name ?? c.target.host;
        const stdin = c.options.stdin?.toString() ?? '';
        return c.command === 'sh -s' ? stepCommands(stdin).map((command) => ({ host, command })) : [{ host, command: c.command }];
      });
  }

  forgetCalls(): void {
    this.executor.calls.length = 0;
  }

  private answerWrite(command: string, target: SshTarget, options: ExecOptions): Partial<ExecResult> {
    const host = this.hosts.get(target.host);
    if (!host) throw new Error(`unknown host ${target.host}`);
    const [path, mode, owner, group] = words(command).slice(1);
    const { sha256: hash, content } = splitFileStdin(options.stdin as Buffer);
    if (path !== mungeKeyPath || sha256(content) !== hash || !mode || !owner || !group) return { code: 1, stderr: 'unexpected write' };
    const before = host.mungeKey;
    const changed = !before || before.sha256 !== hash || before.owner !== owner || before.mode !== mode;
    host.mungeKey = { owner, group, mode, sha256: hash };
    return { stdout: changed ? 'changed\n' : 'unchanged\n' };
  }

  private answerScript(target: SshTarget, options: ExecOptions): Partial<ExecResult> {
    const host = this.hosts.get(target.host);
    if (!host) throw new Error(`unknown host ${target.host}`);
    const stdin = options.stdin?.toString() ?? '';
    const marker = /M='(@@bramble:[0-9a-z]+)'/.exec(stdin)?.[1];
    if (!marker) throw new Error('script without marker');
    if (stdin.includes('sec end')) return { stdout: this.observe(host, marker, stdin.includes('sec ping')) };
    let stdout = '';
    let stderr = '';
    const commands = stepCommands(stdin);
    for (let i = 0; i < commands.length; i++) {
      const command = commands[i] ?? '';
      const code = this.failCommand?.test(command) ? 1 : this.run(host, command);
      stdout += `\n${marker} step ${i} begin\n\n${marker} step ${i} end ${code}\n`;
      stderr += `\n${marker} step ${i} begin\n${code ? `${this.failureStderr}\n` : ''}\n${marker} step ${i} end ${code}\n`;
      if (code) return { stdout, stderr };
    }
    return { stdout: `${stdout}\n${marker} done\n`, stderr };
  }

  /** Applies what one step command would do on a real host; returns its exit code. */
  private run(host: FakeHost, command: string): number {
    const w = words(command);
    if (command.includes('apt-get install')) {
      for (const word of w) if (/^[a-z][a-z-]+$/.test(word)) host.installed.add(word);
      return 0;
    }
    const write = /printf '%s' ('(?:[^']|'\\'')*') \| replace_file ('[^']*')/.exec(command);
    if (write) {
      const content = unquote(write[1] ?? '', 0).value;
      const path = unquote(write[2] ?? '', 0).value;
      host.files.set(path, sha256(content));
      if (path === slurmConfPath) this.confs.set(host.name, content);
      return 0;
    }
    const systemctl = /systemctl (enable -q|restart|start|disable -q --now) '([a-z]+)'/g;
    let m: RegExpExecArray | null;
    while ((m = systemctl.exec(command))) {
      const svc = host.services.get(m[2] ?? '') ?? { active: false, enabled: false };
      if (m[1] === 'enable -q') svc.enabled = true;
      else if (m[1] === 'disable -q --now') Object.assign(svc, { enabled: false, active: false });
      else svc.active = true;
      host.services.set(m[2] ?? '', svc);
    }
    const stamp = /printf '%s\\n' ('[^']*') > ('[^']*')/.exec(command);
    if (stamp) host.stamps.set(unquote(stamp[2] ?? '', 0).value, unquote(stamp[1] ?? '', 0).value);
    const removed = /rm -f ('[^']*')/.exec(command);
    if (removed) host.stamps.delete(unquote(removed[1] ?? '', 0).value);
    if (command.includes('scontrol reconfigure')) this.reconfigures++;
    const update = /scontrol update nodename=('[^']*') state=(drain|resume)(?: reason=('[^']*'))?/.exec(command);
    if (update) {
      const node = unquote(update[1] ?? '', 0).value;
      const s = this.slurm.get(node) ?? { base: 'IDLE', flags: [] };
      if (update[2] === 'drain') {
        s.flags = [...new Set([...s.flags, 'DRAIN'])];
        s.reason = unquote(update[3] ?? "''", 0).value;
      } else if ((s.reason ?? '').startsWith('bramble:')) {
        s.flags = s.flags.filter((f) => f !== 'DRAIN');
        delete s.reason;
      }
      this.slurm.set(node, s);
    }
    return 0;
  }

  /** slurm.conf each host holds, for the controller's view of nodes and partitions. */
  readonly confs = new Map<string, string>();

  private controllerSections(host: FakeHost): [string, string][] {
    const conf = this.confs.get(host.name) ?? '';
    const running = host.services.get('slurmctld')?.active === true;
    const nodeLines = conf.split('\n').filter((l) => l.startsWith('NodeName='));
    const partLines = conf.split('\n').filter((l) => l.startsWith('PartitionName='));
    const field = (line: string, key: string) => new RegExp(`${key}=(\\S*)`).exec(line)?.[1] ?? '';
    const partitionsOf = (node: string) =>
      partLines.filter((p) => field(p, 'Nodes').split(',').includes(node)).map((p) => field(p, 'PartitionName'));
    const scontrol = nodeLines.map((l) => {
      const name = field(l, 'NodeName');
      const h = [...this.hosts.values()].find((x) => x.name === name);
      const registered = h?.services.get('slurmd')?.active === true;
      const s = this.slurm.get(name) ?? { base: registered ? 'IDLE' : 'UNKNOWN', flags: registered ? [] : ['NOT_RESPONDING'] };
      const state = [s.base, ...s.flags].join('+');
      return `NodeName=${name} Arch=aarch64 CoresPerSocket=4  CPUAlloc=${s.cpusAllocated ?? 0} CPUEfctv=${field(l, 'CPUs')} CPUTot=${field(l, 'CPUs')} CPULoad=0.10 AvailableFeatures=(null) ActiveFeatures=(null) Gres=(null) NodeAddr=${field(l, 'NodeAddr')} NodeHostName=${name} Version=22.05.8 OS=Linux 6.1.0-rpi7-rpi-v8 #1 SMP PREEMPT Debian 1:6.1.63-1+rpt1 (2023-11-24)  RealMemory=${field(l, 'RealMemory')} AllocMem=0 FreeMem=500 Sockets=1 Boards=1 State=${state} ThreadsPerCore=1 TmpDisk=0 Weight=1 Owner=N/A MCS_label=N/A Partitions=${partitionsOf(name).join(',')}  BootTime=2026-11-25T08:00:00 SlurmdStartTime=${registered ? '2026-11-25T08:00:30' : 'None'} LastBusyTime=2026-11-25T08:00:30 CfgTRES=cpu=4 AllocTRES= CapWatts=n/a CurrentWatts=0 AveWatts=0 ExtSensorsJoules=n/s ExtSensorsWatts=0 ExtSensorsTemp=n/s${s.reason ? ` Reason=${s.reason} [root@2026-11-25T09:00:00]` : ''}`;
    });
    const partitions = partLines.map(
      (p) =>
        `${field(p, 'PartitionName')}|${(this.partitionStateOverride.get(field(p, 'PartitionName')) ?? field(p, 'State')).toLowerCase().replace('inactive', 'inact')}`,
    );
    return [
      ['deployed-nodes', nodeLines.join('\n')],
      ['ping', running ? `Slurmctld(primary) at ${host.hostname} is UP` : `Slurmctld(primary) at ${host.hostname} is DOWN`],
      ['nodes', running ? scontrol.join('\n') : ''],
      ['partitions', running ? partitions.join('\n') : ''],
      ['jobs', running ? this.jobs.join('\n') : ''],
    ];
  }

  private observe(host: FakeHost, marker: string, isController: boolean): string {
    const svc = (s: string) => {
      const v = host.services.get(s);
      return `${s} ${v?.active ? 'active' : 'inactive'} ${v?.enabled ? 'enabled' : 'disabled'}`;
    };
    const sections: [string, string][] = [
      ['hostname', host.hostname],
      ['cgroupfs', host.cgroup === 'v2' ? 'cgroup2fs' : 'tmpfs'],
      [
        'packages',
        [...host.installed]
          .sort()
          .map((p) => `${p}\tii `)
          .join('\n'),
      ],
      ['munge-key', host.mungeKey ? `${host.mungeKey.owner} ${host.mungeKey.group} ${host.mungeKey.mode}\n${host.mungeKey.sha256}  -` : ''],
      ['files', [...host.files].map(([p, h]) => `${p} ${h}`).join('\n')],
      ['services', ['munge', 'slurmd', 'slurmctld'].map(svc).join('\n')],
      ['stamp-slurmctld', host.stamps.get(ctldStampPath) ?? ''],
      ['stamp-slurmd', host.stamps.get(slurmdStampPath) ?? ''],
      ['owner', host.stamps.get(hostOwnerPath) ?? ''],
      ['state-owner', host.stamps.get(stateOwnerPath) ?? ''],
      ['boot-state', host.bootState ?? 'running 3600.00'],
      ...(isController ? this.controllerSections(host) : []),
      ['end', ''],
    ];
    return sections.map(([name, body]) => `\n${marker} ${name}\n${body}`).join('\n') + '\n';
  }
}
