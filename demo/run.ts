// `npm run demo` (as root): a small simulated bramble from boot to a Slurm job. Boots four
// simulated Pis, starts `bramble run` on its in-memory control plane, applies the samples
// pointed at the fleet (never at the samples' 10.0.0.x Pis), prints `kubectl get bramble` while
// it converges, runs a Slurm job (and a Gluster write/read when this build has that reconciler),
// then tears everything down, also on Ctrl-C.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFleet, type Fleet } from '../test/fleet/fleet.ts';
import { runKubectl } from '../test/controlplane/harness.ts';
import { operatorControllers } from '../cli/operator.ts';
import { shellQuote } from '../ssh/quote.ts';
import { demoManifests } from './samples.ts';
import { startBramble, type BrambleProcess } from './bramble-process.ts';

const nodes = 4;
const subnet = '10.213.60.0/24';
const convergeTimeoutMs = 15 * 60_000;
const samplesDir = new URL('../manifests/samples/', import.meta.url);
/** MinioPool is left out: its sample downloads MinIO from the internet, which the fleet cannot reach. */
const demoKinds = ['PiNode', 'SlurmPartition', 'GlusterVolume'];

const started = Date.now();
const indent = (text: string) => text.replace(/\n$/, '').replace(/^/gm, '        ') + '\n';
const say = (line: string) => process.stdout.write(`[${String(Math.round((Date.now() - started) / 1000)).padStart(4)}s] ${line}\n`);

let fleet: Fleet | undefined;
let bramble: BrambleProcess | undefined;
let dir: string | undefined;

async function teardown(): Promise<void> {
  await bramble?.stop();
  await fleet?.teardown();
  if (dir) rmSync(dir, { recursive: true, force: true });
}

// Registered before the fleet's own guard, so bramble is told to stop first.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    say(`${signal}: tearing down`);
    bramble?.child.kill('SIGTERM');
    void teardown().then(() => process.exit(130));
  });
}
process.once('exit', () => bramble?.child.kill('SIGKILL'));

async function kubectl(args: string[], stdin?: string): Promise<string> {
  const r = await runKubectl(bramble!.kubeconfigPath, args, stdin);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout;
}

async function onNode(node: string, command: string, timeoutMs = 120_000): Promise<string> {
  const r = await fleet!.exec(node, command, { timeoutMs });
  if (r.code !== 0) throw new Error(`${node}: ${command}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

interface Item {
  kind: string;
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

async function allReady(): Promise<boolean> {
  const items = (JSON.parse(await kubectl(['get', 'bramble', '-o', 'json'])) as { items: Item[] }).items;
  return items.length > 0 && items.every((i) => i.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

async function watchConvergence(): Promise<void> {
  let last = '';
  const deadline = Date.now() + convergeTimeoutMs;
  while (Date.now() < deadline) {
    const table = await kubectl(['get', 'bramble']);
    // Printed when something other than the AGE column changed.
    const withoutAge = table.replace(/\s+\S+$/gm, '');
    if (withoutAge !== last) {
      say('kubectl get bramble');
      process.stdout.write(indent(table));
      last = withoutAge;
    }
    if (await allReady()) return;
    await new Promise((r) => setTimeout(r, 5000));
  }
  throw new Error(`not everything was Ready after ${convergeTimeoutMs / 60_000} minutes (bramble's log: ${bramble?.logPath})`);
}

/** `bramble plan -f -` on what is about to be applied: its progress lines, then the plan, shortened. */
async function showPlan(yaml: string): Promise<void> {
  const bin = new URL('../bin/bramble.js', import.meta.url).pathname;
  const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [bin, 'plan', '-f', '-'],
      { env: { ...process.env, KUBECONFIG: bramble!.kubeconfigPath }, timeout: 180_000, maxBuffer: 16 << 20 },
      (err, out, errOut) => {
        if (err && !out) reject(new Error(`bramble plan failed: ${errOut}`));
        else resolve({ stdout: out, stderr: errOut });
      },
    );
    child.stdin?.end(yaml);
  });
  process.stdout.write(indent(stderr));
  const lines = stdout.trimEnd().split('\n');
  const firstPi = lines.findIndex((l, i) => i > 0 && l.startsWith('PiNode '));
  const shown = firstPi > 0 ? [...lines.slice(0, firstPi), '…', lines[lines.length - 1]!] : lines;
  process.stdout.write(indent(shown.join('\n')));
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('the simulated Pis need root (systemd-nspawn, network namespaces)');
  dir = mkdtempSync(join(tmpdir(), 'bramble-demo-'));
  say(`booting ${nodes} simulated Pis on ${subnet}…`);
  fleet = await startFleet({ name: 'demo', nodes, subnet });
  // What every real Pi has: an apt source. Here it is the fleet's local repository.
  await Promise.all(
    fleet.nodes.map((n) =>
      onNode(n.name, `echo 'deb [trusted=yes] ${fleet!.aptRepoUrl} ./' > /etc/apt/sources.list.d/local.list && apt-get update -qq`),
    ),
  );
  for (const n of fleet.nodes) say(`  ${n.name} ${n.address} ${n.hostKey.slice(0, 40)}…`);

  say('starting bramble run --in-memory…');
  bramble = await startBramble(dir);
  say(`  control plane up; KUBECONFIG=${bramble.kubeconfigPath}`);

  const files = Object.fromEntries(
    readdirSync(samplesDir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => [f, readFileSync(new URL(f, samplesDir), 'utf8')]),
  );
  const registered = new Set(operatorControllers().map((c) => c.reconciler.kind));
  const kinds = new Set(demoKinds.filter((k) => registered.has(k)));
  const { yaml, left } = demoManifests({ files, pis: fleet.nodes, clientPrivateKey: fleet.clientKey.privateKey, kinds });
  for (const l of left) say(`  not applied: ${l}`);
  say('bramble plan -f - (what bramble would do; nothing is changed)');
  await showPlan(yaml);
  say('kubectl apply -f - (the samples, pointed at the fleet)');
  process.stdout.write(indent(await kubectl(['apply', '-f', '-'], yaml)));

  await watchConvergence();
  say('everything is Ready');

  say('srun -N3 hostname (on pi0, the Slurm controller)');
  process.stdout.write(indent((await onNode('pi0', 'timeout 90 srun -N3 hostname', 100_000)).split('\n').sort().join('\n')));

  if (kinds.has('GlusterVolume') && yaml.includes('kind: GlusterVolume')) {
    say('GlusterVolume shared: write on pi1, read on pi2');
    const stamp = `written on pi1 at ${new Date().toISOString()}`;
    await onNode('pi1', `echo ${shellQuote(stamp)} > /mnt/shared/demo.txt`);
    say(`  pi2: ${await onNode('pi2', 'cat /mnt/shared/demo.txt')}`);
  } else {
    say('no GlusterVolume reconciler in this build yet: skipping the Gluster write/read');
  }
}

try {
  await main();
  say('tearing down');
  await teardown();
  say('done');
} catch (error) {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  await teardown();
  process.exitCode = 1;
}
