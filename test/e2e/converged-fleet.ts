// What every fault case stands on: a converged fleet with every kind deployed — four simulated
// Pis (PiNodes), a SlurmPartition (controller pi0, compute pi1–pi3), a replica-3 GlusterVolume
// (bricks on pi1–pi3, mounted on all four) and a MinioPool (all four, stand-in minio) — with the
// control plane (`bramble controlplane`) and the operators in processes of their own, so a case
// can kill and restart either. Every SSH call the operators make is in `calls()`.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFleet, type Fleet } from '../fleet/fleet.ts';
import { REPO_ROOT, runKubectl, sshKeySecretArgs } from '../controlplane/harness.ts';
import { buildStandin, type StandinBinary } from '../minio-standin/build.ts';
import { serveArtifacts, type ArtifactServer } from '../minio-standin/artifact-server.ts';
import { readCalls, type Call } from './call-log.ts';
import { waitFor } from './wait.ts';
import type { Condition, EventJson, ObjectJson } from './environment.ts';
import { freePort } from '../free-port.ts';

export const MINIO_PASSWORD = 'faults-minio-root-password';
export const KINDS = [
  { kind: 'pinode', names: ['pi0', 'pi1', 'pi2', 'pi3'] },
  { kind: 'slurmpartition', names: ['batch'] },
  { kind: 'glustervolume', names: ['shared'] },
  { kind: 'miniopool', names: ['objects'] },
] as const;

export interface FaultFleetOptions {
  name: string;
  subnet: string;
  resyncMs: number;
  /** How many operator replicas. */
  operators?: number;
  /** Leader election, as the Deployment runs it; default on when there is more than one replica. */
  leaderElect?: boolean;
  /** What is applied and waited for at boot: every kind (the default), or only the PiNodes. */
  deploy?: 'all' | 'pinodes';
  /** V8 heap cap of the operator processes (--max-old-space-size), as the Deployment sets it (manifests/deployment.yaml). */
  heapCapMiB?: number;
}

interface ChildHandle {
  child: ChildProcess;
  exited: Promise<void>;
}

function spawnLogged(args: string[], logFile: string, env: NodeJS.ProcessEnv): ChildHandle {
  const out = createWriteStream(logFile, { flags: 'a' });
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(out, { end: false });
  child.stderr!.pipe(out, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return { child, exited };
}

async function endChild(handle: ChildHandle | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!handle || handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill(signal);
  const t = setTimeout(() => handle.child.kill('SIGKILL'), 15_000);
  await handle.exited;
  clearTimeout(t);
}

export class FaultFleet {
  fleet!: Fleet;
  dir = '';
  kubeconfigPath = '';
  callLog = '';
  standin!: StandinBinary;
  artifacts!: ArtifactServer;
  readonly operatorPorts = new Map<string, { metrics: number; health: number }>();
  private cpPort = 0;
  private cp: ChildHandle | undefined;
  private readonly operators = new Map<string, ChildHandle>();

  constructor(readonly options: FaultFleetOptions) {}

  static async start(options: FaultFleetOptions): Promise<FaultFleet> {
    const f = new FaultFleet(options);
    try {
      await f.boot();
    } catch (err) {
      await f.close();
      throw err;
    }
    return f;
  }

  private async boot(): Promise<void> {
    this.dir = mkdtempSync(join(tmpdir(), `bramble-${this.options.name}-`));
    this.callLog = join(this.dir, 'ssh-calls.jsonl');
    this.kubeconfigPath = join(this.dir, 'cp', 'kubeconfig');
    const [fleet, standin] = await Promise.all([
      startFleet({ name: this.options.name, nodes: 4, subnet: this.options.subnet }),
      buildStandin(),
    ]);
    this.fleet = fleet;
    this.standin = standin;
    await Promise.all(
      fleet.nodes.map((n) =>
        this.onNode(n.name, `echo 'deb [trusted=yes] ${fleet.aptRepoUrl} ./' > /etc/apt/sources.list.d/local.list && apt-get update -qq`),
      ),
    );
    this.artifacts = await serveArtifacts(fleet.bridgeAddress, { minio: standin.path });

    this.cpPort = await freePort();
    await this.startControlPlane();
    await this.kubectl(['apply', '-f', join(REPO_ROOT, 'crds')]);
    await this.kubectl(['create', 'namespace', 'bramble-system']);
    const keyFile = join(this.dir, 'bramble-key');
    writeFileSync(keyFile, fleet.clientKey.privateKey, { mode: 0o600 });
    await this.kubectl(sshKeySecretArgs(keyFile));
    rmSync(keyFile);
    await this.kubectl([
      'create',
      'secret',
      'generic',
      'minio-root',
      `--from-literal=rootUser=bramble-admin`,
      `--from-literal=rootPassword=${MINIO_PASSWORD}`,
    ]);
    for (let i = 0; i < (this.options.operators ?? 1); i++) await this.startOperator(`op${i}`);

    await this.kubectl(['apply', '-f', '-'], this.piNodeYaml());
    await this.kubectl(['wait', '--for=condition=Ready', 'pinode', '--all', '--timeout=240s']);
    if (this.options.deploy === 'pinodes') return;
    await this.kubectl(['apply', '-f', '-'], [slurmYaml(), glusterYaml(), this.minioYaml()].join('---\n'));
    await this.waitAllReady(480_000);
  }

  // ---- the processes ----------------------------------------------------------------------

  async startControlPlane(): Promise<void> {
    mkdirSync(join(this.dir, 'cp'), { recursive: true });
    this.cp = spawnLogged(
      [join(REPO_ROOT, 'bin', 'bramble.js'), 'controlplane', '--data-dir', join(this.dir, 'cp'), '--listen', `127.0.0.1:${this.cpPort}`],
      join(this.dir, 'controlplane.log'),
      { PATH: process.env.PATH, HOME: this.dir },
    );
    await waitFor('the control plane to serve', 60_000, async () => {
      if (!existsSync(this.kubeconfigPath)) return false;
      return (await runKubectl(this.kubeconfigPath, ['get', '--raw', '/readyz'])).code === 0;
    });
  }

  async stopControlPlane(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await endChild(this.cp, signal);
    this.cp = undefined;
  }

  async startOperator(name: string): Promise<void> {
    const ports = { metrics: await freePort(), health: await freePort() };
    this.operatorPorts.set(name, ports);
    const elect = this.options.leaderElect ?? (this.options.operators ?? 1) > 1;
    const handle = spawnLogged(
      [
        '--import',
        'tsx',
        join(REPO_ROOT, 'test', 'e2e', 'operator-process.ts'),
        this.callLog,
        name,
        '--kubeconfig',
        this.kubeconfigPath,
        '--metrics-bind-address',
        `127.0.0.1:${ports.metrics}`,
        '--health-probe-bind-address',
        `127.0.0.1:${ports.health}`,
        ...(elect ? ['--leader-elect', '--leader-election-namespace', 'bramble-system'] : []),
        '--log-level',
        process.env.BRAMBLE_E2E_LOG_LEVEL ?? 'info',
      ],
      join(this.dir, `operator-${name}.log`),
      {
        PATH: process.env.PATH,
        HOME: this.dir,
        BRAMBLE_FAULTS_RESYNC_MS: String(this.options.resyncMs),
        ...(this.options.heapCapMiB ? { NODE_OPTIONS: `--max-old-space-size=${this.options.heapCapMiB}` } : {}),
      },
    );
    this.operators.set(name, handle);
    await waitFor(`operator ${name} healthy`, 60_000, async () => (await fetch(`http://127.0.0.1:${ports.health}/healthz`)).status === 200);
  }

  /** The process ID of a running operator, for measuring it. */
  operatorPid(name: string): number | undefined {
    return this.operators.get(name)?.child.pid;
  }

  /** Ends an operator process: SIGKILL leaves it no chance to clean up. */
  async stopOperator(name: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await endChild(this.operators.get(name), signal);
    this.operators.delete(name);
  }

  operatorNames(): string[] {
    return [...this.operators.keys()];
  }

  async close(): Promise<void> {
    for (const name of [...this.operators.keys()]) await this.stopOperator(name).catch(() => undefined);
    await this.stopControlPlane().catch(() => undefined);
    await this.artifacts?.close();
    await this.fleet?.teardown();
    if (this.dir && !process.env.BRAMBLE_KEEP_FAULT_LOGS) rmSync(this.dir, { recursive: true, force: true });
  }

  // ---- what the cases read ----------------------------------------------------------------

  calls(): Call[] {
    return readCalls(this.callLog);
  }

  /** The operators' and the control plane's logs, all of them. */
  logs(): string {
    const files = [...this.operatorPorts.keys()].map((n) => join(this.dir, `operator-${n}.log`)).concat(join(this.dir, 'controlplane.log'));
    return files
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
  }

  async kubectl(args: string[], stdin?: string): Promise<string> {
    const r = await runKubectl(this.kubeconfigPath, args, stdin);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  }

  async get(kind: string, name: string): Promise<ObjectJson> {
    return JSON.parse(await this.kubectl(['get', kind, name, '-o', 'json'])) as ObjectJson;
  }

  async events(): Promise<EventJson[]> {
    return (JSON.parse(await this.kubectl(['get', 'events.events.k8s.io', '-o', 'json'])) as { items: EventJson[] }).items;
  }

  async condition(kind: string, name: string, type: string): Promise<Condition | undefined> {
    return (await this.get(kind, name)).status?.conditions?.find((c) => c.type === type);
  }

  /** Every resource's Ready, and whether its status is of its current generation (one request). */
  async readiness(): Promise<{ kind: string; name: string; ready: string; current: boolean; reason: string; message: string }[]> {
    const all = JSON.parse(await this.kubectl(['get', KINDS.map((k) => k.kind).join(','), '-o', 'json'])) as {
      items: (ObjectJson & { kind: string })[];
    };
    return KINDS.flatMap(({ kind, names }) =>
      names.map((name) => {
        const o = all.items.find((i) => i.kind.toLowerCase() === kind && i.metadata.name === name);
        const ready = o?.status?.conditions?.find((c) => c.type === 'Ready');
        const meta = o?.metadata as { generation?: number } | undefined;
        return {
          kind,
          name,
          ready: ready?.status ?? 'Missing',
          reason: ready?.reason ?? '',
          message: ready?.message ?? '',
          current: (o?.status as { observedGeneration?: number } | undefined)?.observedGeneration === meta?.generation,
        };
      }),
    );
  }

  /** Resolves once every SSH call a running operator began before now has ended. */
  async waitCallsBegunBeforeNow(timeoutMs: number): Promise<void> {
    const from = Date.now();
    const running = new Set([...this.operators.values()].map((h) => h.child.pid));
    await waitFor(
      'SSH calls begun before now to end',
      timeoutMs,
      async () => this.calls().every((c) => c.at >= from || c.end !== undefined || c.pid === undefined || !running.has(c.pid)),
      500,
    );
  }

  async waitAllReady(timeoutMs: number, except: (kind: string, name: string) => boolean = () => false): Promise<void> {
    // A reconcile that began before now may still write a status from what it saw then (an
    // observe that waited out a fault ends after the fault is gone), so Ready counts only once
    // every SSH call a running operator began before now has ended.
    await this.waitCallsBegunBeforeNow(timeoutMs);
    let last = '';
    await waitFor(
      'every resource Ready',
      timeoutMs,
      async () => {
        const r = await this.readiness();
        last = r
          .filter((x) => !except(x.kind, x.name) && (x.ready !== 'True' || !x.current))
          .map((x) => `${x.kind}/${x.name}=${x.ready}(${x.reason})`)
          .join(', ');
        return last === '';
      },
      1000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; not Ready: ${last}`);
    });
  }

  /** Runs a command inside a simulated Pi as root (not over SSH) and returns its trimmed stdout. */
  async onNode(node: string, command: string, timeoutMs?: number): Promise<string> {
    const r = await this.fleet.exec(node, command, timeoutMs ? { timeoutMs } : {});
    assert.equal(r.code, 0, `${node}: ${command}: ${r.stderr}`);
    return r.stdout.trim();
  }

  address(node: string): string {
    const n = this.fleet.nodes.find((x) => x.name === node);
    assert.ok(n, `no node ${node}`);
    return n.address;
  }

  piNodeYaml(): string {
    return this.fleet.nodes
      .map((n) =>
        stringify({
          apiVersion: 'bramble.dev/v1alpha1',
          kind: 'PiNode',
          metadata: {
            name: n.name,
            labels: { 'bramble.dev/cluster': 'seed', 'bramble.dev/role': n.name === 'pi0' ? 'controller' : 'compute' },
          },
          spec: {
            address: n.address,
            ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKey: n.hostKey },
            hostname: n.name,
            timezone: 'Europe/London',
            users: [{ name: 'alice', groups: ['users'], shell: '/bin/bash', authorizedKeys: [this.fleet.clientKey.publicKey.trim()] }],
            packages: ['tree'],
          },
        }),
      )
      .join('---\n');
  }

  minioYaml(): string {
    return stringify({
      apiVersion: 'bramble.dev/v1alpha1',
      kind: 'MinioPool',
      metadata: { name: 'objects' },
      spec: {
        nodeSelector: { matchLabels: { 'bramble.dev/cluster': 'seed' } },
        drivesPerNode: 1,
        drivePaths: ['/srv/minio/disk1'],
        // The simulated Pis have one overlay root filesystem and no USB disks.
        allowRootFilesystem: true,
        credentialsSecretRef: { name: 'minio-root' },
        source: { url: `${this.artifacts.url}minio`, sha256: this.standin.sha256 },
        ports: { api: 9000, console: 9001 },
      },
    });
  }
}

export function slurmYaml(extra: { name: string; value: string }[] = []): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'SlurmPartition',
    metadata: { name: 'batch' },
    spec: {
      clusterName: 'seed',
      controller: 'pi0',
      nodeSelector: { matchLabels: { 'bramble.dev/cluster': 'seed', 'bramble.dev/role': 'compute' } },
      default: true,
      state: 'UP',
      mungeKeySecretRef: { name: 'seed-munge-key' },
      extraConfig: [{ name: 'SchedulerType', value: 'sched/backfill' }, ...extra],
    },
  });
}

export function glusterYaml(): string {
  return stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name: 'shared' },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi1', 'pi2', 'pi3'], path: '/srv/gluster', allowRootFilesystem: true },
      // A brick that goes away would otherwise stall writes for the default 42 s.
      options: [
        { name: 'network.ping-timeout', value: '5' },
        { name: 'cluster.quorum-type', value: 'auto' },
      ],
      mount: { nodeSelector: { matchLabels: { 'bramble.dev/cluster': 'seed' } }, path: '/mnt/shared' },
    },
  });
}
