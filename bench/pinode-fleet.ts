// PiNode on simulated Pis: from `kubectl apply` of N PiNodes to all Ready, then one no-change
// resync pass — wall time, SSH execs per Pi, and the operator's own CPU. The control plane runs
// in its own process (`bramble controlplane`) so the CPU figure is the operator's alone.
// Needs root (the fleet); prints a note and exits 0 without it. `npm run bench pinode`.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { startFleet, type Fleet } from '../test/fleet/fleet.ts';
import { runKubectl } from '../test/controlplane/harness.ts';
import { CountingExecutor } from '../test/e2e/counting-executor.ts';
import { waitFor } from '../test/e2e/wait.ts';
import { kubeConfigFromString } from '../controllers/kubeconfig.ts';
import { startBrambleOperator } from '../cli/operator.ts';

const repo = fileURLToPath(new URL('../', import.meta.url));
const sizes = (process.env.BRAMBLE_BENCH_SIZES ?? '5,20').split(',').map(Number);
const aliceKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ4cvCiIZ/yoin9V1DLq+ScYB22xFW86E2zYaOeTizq alice@laptop';
const bobKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILXZIc5otf3lCj9uvg55hHGY4inATyZoHwv3En8oO8yI bob@desk';

interface Figures {
  nodes: number;
  convergeMs: number;
  convergeExecsPerNode: number;
  convergeCpuMsPerNode: number;
  resyncWallMs: number;
  resyncExecsPerNode: number;
  resyncCpuMsPerNode: number;
}

async function startControlPlaneProcess(dir: string): Promise<{ child: ChildProcess; kubeconfig: string }> {
  const kubeconfig = join(dir, 'kubeconfig');
  const child = spawn(process.execPath, [join(repo, 'bin/bramble.js'), 'controlplane', '--in-memory', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await waitFor('control plane kubeconfig', 30_000, async () => existsSync(kubeconfig) && readFileSync(kubeconfig, 'utf8').includes('server:'), 100);
  return { child, kubeconfig };
}

function piNodes(fleet: Fleet): string {
  return fleet.nodes.map((n) => stringify({
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: n.name, labels: { 'bramble.dev/cluster': 'bench' } },
    spec: {
      address: n.address,
      ssh: { user: 'pi', privateKeySecretRef: { name: 'bramble-ssh-key' }, hostKey: n.hostKey },
      hostname: `${n.name}-bench`,
      timezone: 'Europe/Berlin',
      users: [
        { name: 'alice', groups: ['users'], authorizedKeys: [aliceKey] },
        { name: 'bob', groups: ['users'], authorizedKeys: [bobKey] },
      ],
      packages: ['tree', 'jq'],
    },
  })).join('---\n');
}

async function measure(nodes: number): Promise<Figures> {
  const fleet = await startFleet({ name: `bench${nodes}`, nodes, subnet: `10.213.${60 + nodes}.0/24`, bootConcurrency: 4 });
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bench-'));
  let cp: ChildProcess | undefined;
  let stopOperator: (() => Promise<void>) | undefined;
  try {
    await Promise.all(fleet.nodes.map(async (n) => {
      const r = await fleet.exec(n.name, `echo 'deb [trusted=yes] ${fleet.aptRepoUrl} ./' > /etc/apt/sources.list.d/local.list && apt-get update -qq`);
      if (r.code !== 0) throw new Error(`${n.name}: apt source: ${r.stderr}`);
    }));
    const started = await startControlPlaneProcess(dir);
    cp = started.child;
    const kubectl = async (args: string[], stdin?: string): Promise<void> => {
      const r = await runKubectl(started.kubeconfig, args, stdin);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
    };
    await kubectl(['apply', '-f', join(repo, 'crds')]);
    writeFileSync(join(dir, 'key'), fleet.clientKey.privateKey, { mode: 0o600 });
    await kubectl(['create', 'secret', 'generic', 'bramble-ssh-key', '--type', 'kubernetes.io/ssh-auth', `--from-file=ssh-privatekey=${join(dir, 'key')}`]);

    const counter = new CountingExecutor();
    const operator = await startBrambleOperator({
      argv: ['--metrics-bind-address', '0', '--health-probe-bind-address', '0', '--log-level', 'error'],
      kubeConfig: kubeConfigFromString(readFileSync(started.kubeconfig, 'utf8')),
      wrapExecutor: (inner) => counter.wrap(inner),
      // No periodic resync during converge; the resync pass below is started by hand.
      tuning: { resyncMs: 3_600_000 },
    });
    stopOperator = operator.stop;
    await operator.manager.synced();
    const ready = (): boolean => {
      const list = operator.manager.informer('PiNode')?.list() ?? [];
      return list.length === nodes && list.every((o) => {
        const conditions = (o as { status?: { conditions?: { type: string; status: string }[] } }).status?.conditions ?? [];
        return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
      });
    };

    const cpu0 = process.cpuUsage();
    const t0 = Date.now();
    await kubectl(['apply', '-f', '-'], piNodes(fleet));
    await waitFor(`${nodes} PiNodes Ready`, 600_000, async () => ready(), 50);
    const convergeMs = Date.now() - t0;
    const convergeCpu = process.cpuUsage(cpu0);
    const convergeExecs = counter.calls.length;

    // One no-change pass over every Pi, as the periodic resync makes it.
    const mark = counter.calls.length;
    const cpu1 = process.cpuUsage();
    const t1 = Date.now();
    const controller = operator.manager.controller('PiNode');
    if (!controller) throw new Error('no PiNode controller');
    for (const n of fleet.nodes) controller.enqueue(`default/${n.name}`);
    await waitFor('resync pass', 120_000, async () => {
      const window = counter.since(mark);
      return fleet.nodes.every((n) => window.some((c) => c.host === n.address && c.done));
    }, 20);
    // Let the status writes of the pass land before reading the CPU.
    await new Promise((r) => setTimeout(r, 300));
    const resyncWallMs = Date.now() - t1;
    const resyncCpu = process.cpuUsage(cpu1);
    const window = counter.since(mark);
    if (window.some((c) => c.kind !== 'observe')) throw new Error('a no-change resync ran a mutating command');
    const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;
    return {
      nodes,
      convergeMs,
      convergeExecsPerNode: convergeExecs / nodes,
      convergeCpuMsPerNode: cpuMs(convergeCpu) / nodes,
      resyncWallMs,
      resyncExecsPerNode: window.length / nodes,
      resyncCpuMsPerNode: cpuMs(resyncCpu) / nodes,
    };
  } finally {
    await stopOperator?.();
    if (cp?.pid) {
      cp.kill('SIGTERM');
      await new Promise((r) => cp?.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
    await fleet.teardown();
  }
}

export default async function benchPiNodeFleet(): Promise<void> {
  if (process.getuid?.() !== 0) {
    process.stdout.write('pinode-fleet: skipped, the simulated Pi fleet needs root\n');
    return;
  }
  const rows: Figures[] = [];
  for (const n of sizes) rows.push(await measure(n));
  process.stdout.write('PiNode on simulated Pis (hostname, timezone, 2 users with keys, 2 packages from a local apt repository)\n');
  process.stdout.write('nodes | apply→all Ready | execs/Pi | operator CPU/Pi | no-change resync wall | execs/Pi | operator CPU/Pi\n');
  for (const r of rows) {
    process.stdout.write(`${r.nodes} | ${r.convergeMs} ms | ${r.convergeExecsPerNode.toFixed(2)} | ${r.convergeCpuMsPerNode.toFixed(1)} ms | ${r.resyncWallMs} ms | ${r.resyncExecsPerNode.toFixed(2)} | ${r.resyncCpuMsPerNode.toFixed(1)} ms\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchPiNodeFleet();
