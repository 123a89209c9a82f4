// A fleet of simulated Raspberry Pis for end-to-end tests: real systemd, sshd, Slurm and
// GlusterFS in systemd-nspawn containers on a private bridge. See test/fleet/README.md.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBaseImage } from './base-image.ts';
import { fleetLayout, type NodeLayout } from './layout.ts';
import { emptyState, loadState, saveState, type FleetState } from './fleet-state.ts';
import { cleanupFleet } from './fleet-cleanup.ts';
import { addBridgeSubnet, createBridge, createNodeNetwork, routeToBridge, setLink } from './fleet-network.ts';
import { handToNetworkManager } from './node-network-manager.ts';
import { mountNodeDisk, readHostKey, writeNodeIdentity, type NodeDisk } from './node-disk.ts';
import { NodeMachine } from './node-machine.ts';
import { waitForSshd } from './sshd-probe.ts';
import { serveAptRepo, type AptRepoServer } from './apt-repo-server.ts';
import { guardFleet, unguardFleet } from './exit-guard.ts';
import { cgroupPssBytes } from './node-memory.ts';
import { isAlive } from './host-resources.ts';
import { ensureInotifyInstances } from './inotify-limit.ts';
import { mustRun, type CommandResult } from './run-command.ts';

export interface StartFleetOptions {
  /** Lower-case name, unique among fleets running at once; it picks the subnet unless given. */
  name: string;
  nodes: number;
  /** A /24 inside 10.0.0.0/8 such as "10.213.9.0/24"; default derived from the name. */
  subnet?: string;
  /** How many nodes boot at the same time (the host has 2 cores). */
  bootConcurrency?: number;
  /** Per node, from power on to sshd presenting the key found on its disk. */
  bootTimeoutMs?: number;
  /** Nodes whose eth0 NetworkManager manages, as on a Bookworm Pi (node-network-manager.ts). */
  networkManager?: string[];
}

export interface FleetNode {
  name: string;
  address: string;
  port: number;
  /** What sshd presents now: "ssh-ed25519 AAAA…". */
  hostKey: string;
}

export interface ClientKey {
  /** OpenSSH private key text, authorized for root and pi on every node. */
  privateKey: string;
  publicKey: string;
  /** The same private key as a file (mode 0600), for the ssh command line client. */
  privateKeyPath: string;
}

interface Member {
  layout: NodeLayout;
  disk: NodeDisk;
  machine: NodeMachine;
  info: FleetNode;
}

export async function startFleet(options: StartFleetOptions): Promise<Fleet> {
  if (process.getuid?.() !== 0) {
    throw new Error('the simulated Pi fleet needs root (network namespaces, mounts, systemd-nspawn)');
  }
  const layout = fleetLayout(options.name, options.nodes, options.subnet);
  const image = findBaseImage();
  await cleanupLeftovers(options.name);

  const state = emptyState(layout.name);
  state.cgroups.push(`bramble-fleet/${layout.name}`);
  saveState(state);
  // After the state file exists: a teardown restores the limit only when no fleet is left.
  ensureInotifyInstances(options.nodes);
  mkdirSync(state.dir, { recursive: true });
  const fleet = new Fleet(layout.name, layout.subnet, layout.bridgeAddress, state);
  guardFleet(fleet);
  try {
    await createBridge(layout, state);
    fleet.clientKey = await makeClientKey(state.dir, layout.name);
    fleet.attachAptRepo(await serveAptRepo(image.repoDir, layout.bridgeAddress));
    for (const node of layout.nodes) {
      await createNodeNetwork(layout, node, state);
      const disk = await mountNodeDisk(state, node, image.rootDir);
      writeNodeIdentity(disk, node.name, fleet.clientKey.publicKey);
      const netAdmin = options.networkManager?.includes(node.name) ?? false;
      const machine = new NodeMachine(state, node, disk.root, join(disk.dir, 'console.log'), `${state.cgroups[0]}/${node.name}`, netAdmin);
      fleet.add({ layout: node, disk, machine, info: { name: node.name, address: node.address, port: 22, hostKey: '' } });
    }
    await mapLimit(fleet.nodes, options.bootConcurrency ?? 3, (n) => fleet.start(n.name, options.bootTimeoutMs));
    for (const name of options.networkManager ?? []) {
      const node = fleet.nodes.find((n) => n.name === name);
      if (!node) throw new Error(`networkManager names ${name}, which fleet ${layout.name} does not have`);
      await handToNetworkManager(
        (command, timeoutMs) => fleet.exec(name, command, timeoutMs ? { timeoutMs } : {}),
        name,
        node.address,
        layout.prefixLength,
      );
    }
  } catch (err) {
    await fleet.teardown().catch((cleanupErr: Error) => process.emitWarning(cleanupErr.message));
    throw err;
  }
  return fleet;
}

export class Fleet {
  readonly nodes: FleetNode[] = [];
  clientKey: ClientKey = { privateKey: '', publicKey: '', privateKeyPath: '' };
  aptRepoUrl = '';
  /** Milliseconds from power on to sshd ready, of each node's latest boot. */
  readonly bootTimes: Record<string, number> = {};
  private readonly members = new Map<string, Member>();
  private aptRepo: AptRepoServer | undefined;
  private tornDown: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly subnet: string,
    readonly bridgeAddress: string,
    private readonly state: FleetState,
  ) {}

  /** @internal used while the fleet is assembled */
  add(member: Member): void {
    this.members.set(member.info.name, member);
    this.nodes.push(member.info);
  }

  /** @internal */
  attachAptRepo(server: AptRepoServer): void {
    this.aptRepo = server;
    this.aptRepoUrl = server.url;
  }

  /** Runs a shell command inside the node as root, through its namespaces (not over SSH). */
  exec(node: string, command: string, options: { timeoutMs?: number } = {}): Promise<CommandResult> {
    return this.member(node).machine.exec(command, options.timeoutMs);
  }

  /** Powers the node on (same disk as before) and waits until sshd presents its host key. */
  async start(node: string, bootTimeoutMs = 120_000): Promise<void> {
    const m = this.member(node);
    const started = Date.now();
    try {
      await m.machine.powerOn();
      await this.waitUntilReady(m, bootTimeoutMs);
    } catch (err) {
      throw new Error(`${(err as Error).message}\nlast console lines of ${node}:\n${consoleTail(m.disk.dir)}`);
    }
    this.bootTimes[node] = Date.now() - started;
  }

  /** Clean power off: systemd inside shuts down; the disk is kept. */
  async stop(node: string): Promise<void> {
    await this.member(node).machine.powerOff();
  }

  /** `systemctl reboot` inside the node; resolves when it is back and sshd answers. */
  async reboot(node: string, bootTimeoutMs = 120_000): Promise<void> {
    const m = this.member(node);
    const started = Date.now();
    const result = await m.machine.exec('systemctl reboot');
    // The going-down node may take systemctl with it before it reports success.
    const shutdownMs = result.code === 0 ? bootTimeoutMs : 5_000;
    await withTimeout(m.machine.waitForExit(), shutdownMs, `${node} did not shut down for the reboot (${result.stderr.trim()})`);
    await m.machine.waitForBoot();
    await this.waitUntilReady(m, bootTimeoutMs);
    this.bootTimes[node] = Date.now() - started;
  }

  /** Unplugs the node's network cable (it keeps running). */
  async cutLink(node: string): Promise<void> {
    await setLink(this.member(node).layout, false);
  }

  async restoreLink(node: string): Promise<void> {
    await setLink(this.member(node).layout, true);
  }

  /**
   * A second subnet on the fleet's bridge, the host at its .1: a node that moves its address into
   * it stays reachable. Removed with the bridge.
   */
  async addSubnet(subnet: string): Promise<void> {
    await addBridgeSubnet(this.bridge(), subnet);
  }

  /**
   * A subnet routed into the bridge with no host address in it: a node that moves there is not
   * reachable (its answers have no way back), and no packet for it leaves this machine.
   */
  async addUnreachableSubnet(subnet: string): Promise<void> {
    await routeToBridge(this.bridge(), subnet);
  }

  private bridge(): string {
    if (!this.state.bridge) throw new Error(`fleet ${this.name} has no bridge`);
    return this.state.bridge;
  }

  /**
   * New SSH host keys on the node, as after re-imaging the Pi: sshd restarted and the sessions
   * it already had dropped (a restart alone keeps them, so a pooled client would never notice).
   * Returns the new ed25519 key.
   */
  async replaceHostKey(node: string): Promise<string> {
    const m = this.member(node);
    const result = await m.machine.exec(
      'rm -f /etc/ssh/ssh_host_*_key /etc/ssh/ssh_host_*_key.pub && ssh-keygen -A >/dev/null && systemctl restart ssh' +
        " && { pkill -TERM -f '^sshd: [^/]' || true; }",
    );
    if (result.code !== 0) throw new Error(`${node}: replacing host keys failed: ${result.stderr}`);
    m.info.hostKey = await waitForSshd(node, m.info.address, () => readHostKey(m.disk), 30_000);
    return m.info.hostKey;
  }

  /** known_hosts text pinning every node's current host key. */
  knownHosts(): string {
    return this.nodes.map((n) => `${n.address} ${n.hostKey}\n`).join('');
  }

  /** Proportional memory (bytes) of everything running for the node right now. */
  memoryBytes(node: string): number {
    return cgroupPssBytes(this.member(node).machine.cgroup);
  }

  /** The node's root directory as the host sees it, for assertions on files. */
  rootDir(node: string): string {
    return this.member(node).disk.root;
  }

  /**
   * The node's own writes: the overlay's upper directory. Every file the node created, changed,
   * chmod-ed or chown-ed since it was made from the image is here (a deletion as a whiteout), so
   * a file's content can differ from the image only if it is here.
   */
  upperDir(node: string): string {
    return join(this.member(node).disk.dir, 'upper');
  }

  /** Powers every node off and removes everything the fleet created. Safe to call twice. */
  teardown(): Promise<void> {
    this.tornDown ??= (async () => {
      await this.aptRepo?.close();
      await Promise.allSettled([...this.members.values()].map((m) => m.machine.powerOff()));
      await cleanupFleet(this.state);
      unguardFleet(this.name);
    })();
    return this.tornDown;
  }

  private async waitUntilReady(m: Member, timeoutMs: number): Promise<void> {
    m.info.hostKey = await waitForSshd(m.info.name, m.info.address, () => readHostKey(m.disk), timeoutMs);
  }

  private member(node: string): Member {
    const m = this.members.get(node);
    if (!m) throw new Error(`fleet ${this.name} has no node ${node}`);
    return m;
  }
}

async function cleanupLeftovers(name: string): Promise<void> {
  const previous = loadState(name);
  if (!previous) return;
  if (previous.ownerPid !== process.pid && isAlive(previous.ownerPid)) {
    throw new Error(`fleet ${name} is in use by process ${previous.ownerPid}; pick another name`);
  }
  await cleanupFleet(previous);
}

async function makeClientKey(dir: string, name: string): Promise<ClientKey> {
  const path = join(dir, 'client_key');
  await mustRun('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `bramble-fleet-${name}`, '-f', path]);
  return {
    privateKey: readFileSync(path, 'utf8'),
    publicKey: readFileSync(`${path}.pub`, 'utf8').trim(),
    privateKeyPath: path,
  };
}

function consoleTail(nodeDir: string): string {
  try {
    return readFileSync(join(nodeDir, 'console.log'), 'utf8').split('\n').slice(-25).join('\n');
  } catch {
    return '(no console log)';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const errors: unknown[] = [];
  const worker = async (): Promise<void> => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
      await fn(item).catch((err: unknown) => errors.push(err));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, limit) }, worker));
  if (errors.length > 0) throw errors[0];
}
