// Boots a fleet and prints what each node costs: boot time (power on to sshd presenting its key)
// and memory (PSS of everything in the node's cgroup), once booted and settled.
//   node --import tsx test/fleet/boot-benchmark.ts [NODES] [BOOT_CONCURRENCY]
// Prints one JSON object; `npm run bench` can call it. Needs root and the base image.
import { readFileSync } from 'node:fs';
import { startFleet } from './fleet.ts';
import { sleep } from './host-resources.ts';

const nodes = Number(process.argv[2] ?? 5);
const bootConcurrency = Number(process.argv[3] ?? 3);

const started = Date.now();
const fleet = await startFleet({ name: `bench-${nodes}`, nodes, bootConcurrency });
try {
  const fleetReadyMs = Date.now() - started;
  const states = await Promise.all(
    fleet.nodes.map(async (n) => (await fleet.exec(n.name, 'systemctl is-system-running --wait', { timeoutMs: 120_000 })).stdout.trim()),
  );
  await sleep(5_000);
  const boots = fleet.nodes.map((n) => fleet.bootTimes[n.name] ?? NaN).sort((a, b) => a - b);
  const memory = fleet.nodes.map((n) => fleet.memoryBytes(n.name)).sort((a, b) => a - b);
  const mib = (b: number): number => Math.round((b / 2 ** 20) * 10) / 10;
  const pick = (xs: number[], q: number): number => xs[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? NaN;
  console.log(
    JSON.stringify({
      nodes,
      bootConcurrency,
      fleetReadyMs,
      bootMs: { min: pick(boots, 0), median: pick(boots, 0.5), max: pick(boots, 1) },
      pssMiBPerNode: { min: mib(pick(memory, 0)), median: mib(pick(memory, 0.5)), max: mib(pick(memory, 1)) },
      loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      systemStates: Object.fromEntries([...new Set(states)].map((s) => [s, states.filter((x) => x === s).length])),
    }),
  );
} finally {
  await fleet.teardown();
}
