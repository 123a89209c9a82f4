// One simulated Pi's "power": a systemd-nspawn process booting real systemd on the node's disk
// inside the node's network namespace. Each runs in its own cgroup (nspawn with --keep-unit puts
// the container under the cgroup it was started in; sharing one would mix the nodes' units).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type CommandResult } from './run-command.ts';
import { saveState, record, type FleetState } from './fleet-state.ts';
import { stopNspawn } from './fleet-cleanup.ts';
import { cgroupHierarchies, isAlive, sleep } from './host-resources.ts';
import type { NodeLayout } from './layout.ts';

/** systemd-nspawn's exit code when the container asked to reboot (see systemd-nspawn(1)). */
const rebootExitCode = 133;
const nodePath = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export class NodeMachine {
  private child: ChildProcess | undefined;
  private exited: Promise<number | null> = Promise.resolve(null);
  private stopping = false;
  private booting: Promise<void> = Promise.resolve();
  /** PID of systemd (PID 1 inside the node) of the current boot. */
  leaderPid: number | undefined;

  constructor(
    private readonly state: FleetState,
    private readonly node: NodeLayout,
    private readonly rootDir: string,
    private readonly consoleLog: string,
    readonly cgroup: string,
    /**
     * The node may configure its own network (CAP_NET_ADMIN, which nspawn keeps only with a
     * network it made itself): what NetworkManager needs on a node handed to it. Its namespace is
     * its own, so nothing outside it changes.
     */
    private readonly netAdmin = false,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Powers the node on and waits until its systemd is PID 1 of a new PID namespace. */
  powerOn(): Promise<void> {
    if (!this.running) {
      this.stopping = false;
      this.booting = this.boot();
    }
    return this.booting;
  }

  /** Resolves when the latest boot (also one after a reboot from inside) has started systemd. */
  waitForBoot(): Promise<void> {
    return this.booting;
  }

  private async boot(): Promise<void> {
    for (const hierarchy of cgroupHierarchies) mkdirSync(join(hierarchy, this.cgroup), { recursive: true });
    record(this.state, 'nspawnDirs', `/run/systemd/nspawn/propagate/${this.node.machine}`);
    const log = openSync(this.consoleLog, 'a');
    const procs = cgroupHierarchies.map((h) => join(h, this.cgroup, 'cgroup.procs'));
    const child = spawn(
      '/bin/sh',
      [
        '-c',
        // Join the node's cgroup(s) first, then become nspawn (same PID, so it can be signalled).
        'while [ "$1" != -- ]; do echo $$ > "$1"; shift; done; shift; exec systemd-nspawn "$@"',
        'sh',
        ...procs,
        '--',
        '--quiet',
        '--boot',
        '--register=no',
        '--keep-unit',
        `--machine=${this.node.machine}`,
        `--directory=${this.rootDir}`,
        `--network-namespace-path=/run/netns/${this.node.netns}`,
        '--bind=/dev/fuse',
        '--console=read-only',
        '--link-journal=no',
        '--resolv-conf=off',
        '--timezone=off',
        ...(this.netAdmin ? ['--capability=CAP_NET_ADMIN'] : []),
      ],
      { detached: true, stdio: ['ignore', log, log] },
    );
    closeSync(log);
    child.unref();
    const pid = child.pid;
    if (pid === undefined) throw new Error(`${this.node.name}: systemd-nspawn did not start`);
    this.child = child;
    this.state.machines[this.node.name] = { pid, machine: this.node.machine };
    saveState(this.state);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    void this.exited.then((code) => this.onExit(child, code));
    this.leaderPid = await this.waitForLeader(pid);
  }

  /** Powers the node off (clean container shutdown); the disk stays as it is. */
  async powerOff(): Promise<void> {
    const child = this.child;
    if (!child || !this.running || child.pid === undefined) return;
    this.stopping = true;
    await stopNspawn(child.pid, this.node.machine);
    await this.exited;
    this.leaderPid = undefined;
  }

  /** Resolves once the current boot has ended (poweroff, reboot or crash). */
  async waitForExit(): Promise<number | null> {
    return this.exited;
  }

  /** Runs a command inside the node through its namespaces, not over SSH. */
  exec(command: string, timeoutMs = 60_000): Promise<CommandResult> {
    const leader = this.leaderPid;
    if (leader === undefined || !this.running) {
      return Promise.reject(new Error(`${this.node.name} is powered off`));
    }
    return runCommand('nsenter', ['--target', String(leader), '--all', '-r', '-w', '/bin/sh', '-c', command], {
      timeoutMs,
      env: { PATH: nodePath, HOME: '/root', LANG: 'C.UTF-8', TERM: 'dumb' },
    });
  }

  private onExit(child: ChildProcess, code: number | null): void {
    if (this.child !== child) return;
    this.leaderPid = undefined;
    delete this.state.machines[this.node.name];
    saveState(this.state);
    // A real Pi comes back after `reboot`: so does a simulated one, on the same disk.
    if (code === rebootExitCode && !this.stopping) {
      this.booting = this.boot();
      this.booting.catch((err: Error) => {
        process.emitWarning(`${this.node.name} did not come back after reboot: ${err.message}`);
      });
    }
  }

  private async waitForLeader(pid: number): Promise<number> {
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (!isAlive(pid)) break;
      try {
        for (const child of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ')) {
          if (child && readFileSync(`/proc/${child}/comm`, 'utf8').trim() === 'systemd') return Number(child);
        }
      } catch {
        // the process is between states; look again
      }
      await sleep(50);
    }
    throw new Error(`${this.node.name}: systemd did not start inside the node (see ${this.consoleLog})`);
  }
}
