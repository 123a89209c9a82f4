// bramble against Ansible and the pdsh floor on simulated Pis, side by side in one run: for each
// size, rounds paired A-B-A-B (bramble, Ansible forks=N, Ansible forks=5, pdsh) on one fleet that
// is reset to its booted state before every first run; medians of the rounds. Prints a table per
// size and the ratios, writes bench/results/fleet-vs-ansible-<time>.json. Reports; never fails
// on a target. Needs root (the fleet). Sizes: BRAMBLE_BENCH_SIZES (default 5,20); rounds:
// BRAMBLE_BENCH_ROUNDS (default 2). `npm run bench fleet`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startFleet, type Fleet } from '../test/fleet/fleet.ts';
import { hostLeaks } from '../test/fleet/host-leaks.ts';
import { brambleRound, type BrambleRound } from './lib/bramble-round.ts';
import { prepareFleet, resetFleet } from './lib/fleet-prep.ts';
import { runPdsh, type PdshRun } from './lib/pdsh-floor.ts';
import { pdshConvergeCommands, pdshReadCommand, hostnameOf } from './lib/workload.ts';
import { runPlaybook, type AnsibleTarget, type PlaybookRun } from './ansible/run-playbook.ts';
import { summarize, type SizeSummary } from './lib/summary.ts';
import { renderSummary } from './lib/render.ts';
import { phasesOfMisses, reportProfiles } from './lib/miss-profiles.ts';

const sizes = (process.env.BRAMBLE_BENCH_SIZES ?? '5,20')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const rounds = Math.max(1, Number(process.env.BRAMBLE_BENCH_ROUNDS ?? 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
const minEventSamples = 200;
const runStamp = new Date().toISOString().replace(/[:.]/g, '-');

export interface AnsiblePair {
  first: PlaybookRun;
  noChange: PlaybookRun;
}

export interface SizeRounds {
  nodes: number;
  bramble: BrambleRound[];
  ansibleForksN: AnsiblePair[];
  ansibleForks5: AnsiblePair[];
  pdshConverge: PdshRun[];
  pdshResync: PdshRun[];
  /** Printed after the size's table: where the time of its missed targets went. */
  profileReport?: string[];
}

// BRAMBLE_BENCH_BRAMBLE_ONLY=1 leaves the others out (for profiling bramble's side alone).
const brambleOnly = process.env.BRAMBLE_BENCH_BRAMBLE_ONLY === '1';
// BRAMBLE_BENCH_FORKS5=0 leaves out Ansible forks=5 (no target is measured against it; at 50 Pis
// and more it is most of a round's time).
const forks5 = process.env.BRAMBLE_BENCH_FORKS5 !== '0';
const have = (tool: string): boolean => !brambleOnly && spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

// Each run's figures go to the log as they are measured, so a run stopped early still tells them.
function logPair(pair: AnsiblePair, log: (s: string) => void): AnsiblePair {
  log(`    ansible: first run ${Math.round(pair.first.wallMs)} ms, no-change ${Math.round(pair.noChange.wallMs)} ms`);
  return pair;
}

async function ansiblePair(target: AnsibleTarget, forks: number): Promise<AnsiblePair> {
  const first = await runPlaybook(target, forks);
  const noChange = await runPlaybook(target, forks);
  if (first.recap.changed === 0) throw new Error('the first Ansible run changed nothing: the reset did not work');
  if (noChange.recap.changed !== 0) throw new Error(`the second Ansible run changed ${noChange.recap.changed} things`);
  return { first, noChange };
}

async function measureSize(nodes: number, log: (s: string) => void): Promise<SizeRounds> {
  const fleet = await startFleet({ name: `bvsa${nodes}`, nodes, subnet: `10.213.${100 + nodes}.0/24`, bootConcurrency: 4 });
  const out: SizeRounds = { nodes, bramble: [], ansibleForksN: [], ansibleForks5: [], pdshConverge: [], pdshResync: [] };
  try {
    await prepareFleet(fleet);
    const target: AnsibleTarget = {
      hosts: fleet.nodes.map((n) => ({ name: n.name, address: n.address, hostname: hostnameOf(n.name) })),
      privateKeyPath: fleet.clientKey.privateKeyPath,
      knownHosts: fleet.knownHosts(),
    };
    const pdshTarget = {
      addresses: fleet.nodes.map((n) => n.address),
      privateKeyPath: fleet.clientKey.privateKeyPath,
      knownHosts: fleet.knownHosts(),
    };
    const ansible = have('ansible-playbook');
    const pdsh = have('pdsh');
    // Enough samples over all rounds for a p99 that is not one outlier (at 200, the 2nd worst).
    const latencyRounds = Math.ceil(minEventSamples / (nodes * rounds));
    for (let round = 1; round <= rounds; round++) {
      await resetFleet(fleet);
      log(`  ${nodes} nodes, round ${round}: bramble`);
      const b = await brambleRound(fleet, latencyRounds);
      out.bramble.push(b);
      log(
        `    bramble: converge ${b.convergeMs} ms (${b.convergeCpuMs.toFixed(0)} ms CPU), no-change ${b.resyncMs} ms (${b.resyncCpuMs.toFixed(0)} ms CPU), ${b.eventLatenciesMs.length} event samples`,
      );
      if (ansible) {
        await resetFleet(fleet);
        log(`  ${nodes} nodes, round ${round}: ansible forks=${nodes}`);
        out.ansibleForksN.push(logPair(await ansiblePair(target, nodes), log));
        if (nodes !== 5 && forks5) {
          await resetFleet(fleet);
          log(`  ${nodes} nodes, round ${round}: ansible forks=5`);
          out.ansibleForks5.push(logPair(await ansiblePair(target, 5), log));
        }
      }
      if (pdsh) {
        await resetFleet(fleet);
        log(`  ${nodes} nodes, round ${round}: pdsh`);
        out.pdshConverge.push(await runPdsh(pdshTarget, pdshConvergeCommands()));
        out.pdshResync.push(await runPdsh(pdshTarget, [pdshReadCommand()]));
        log(
          `    pdsh: converge ${Math.round(out.pdshConverge.at(-1)?.wallMs ?? NaN)} ms, no-change ${Math.round(out.pdshResync.at(-1)?.wallMs ?? NaN)} ms`,
        );
      }
    }
    // forks=5 is forks=N at five nodes: one set of runs serves both columns.
    if (nodes === 5) out.ansibleForks5 = out.ansibleForksN;
    await profileMisses(fleet, out, log);
    return out;
  } finally {
    await fleet.teardown();
    const leaks = hostLeaks(fleet.name);
    if (leaks.length > 0) log(`  fleet ${fleet.name} left on the host after teardown:\n    ${leaks.join('\n    ')}`);
  }
}

/**
 * A missed target gets one more bramble round, profiled, after the measured ones (the sampler's
 * own CPU stays out of the figures): each phase a missed target measures is written as a
 * .cpuprofile and its top functions printed. BRAMBLE_BENCH_PROFILE_MISSES=0 turns it off.
 */
async function profileMisses(fleet: Fleet, out: SizeRounds, log: (s: string) => void): Promise<void> {
  if (process.env.BRAMBLE_BENCH_PROFILE_MISSES === '0') return;
  const { targets } = summarize(out);
  const phases = phasesOfMisses(targets);
  if (phases.length === 0) return;
  await resetFleet(fleet);
  log(`  ${out.nodes} nodes: a profiled bramble round for the missed targets (${phases.join(', ')})`);
  const profiled = await brambleRound(fleet, phases.includes('event') ? Math.ceil(minEventSamples / out.nodes) : 0, true);
  const wanted = Object.fromEntries(phases.map((p) => [p, profiled.profiles?.[p]]).filter(([, v]) => v));
  out.profileReport = reportProfiles(resultsDir, `profile-${out.nodes}pis-${runStamp}`, wanted, targets);
}

export default async function benchFleetVsAnsible(): Promise<SizeSummary[]> {
  if (process.getuid?.() !== 0) {
    process.stdout.write('fleet-vs-ansible: skipped, the simulated Pi fleet needs root\n');
    return [];
  }
  if (!have('ansible-playbook') || !have('pdsh'))
    process.stdout.write('fleet-vs-ansible: ansible or pdsh missing (bash scripts/bench-setup.sh): those columns are empty\n');
  const raw: SizeRounds[] = [];
  for (const n of sizes) raw.push(await measureSize(n, (s) => process.stderr.write(`${s}\n`)));
  const summaries = raw.map(summarize);
  process.stdout.write(renderSummary(summaries, rounds));
  for (const r of raw)
    if (r.profileReport)
      process.stdout.write(`\n${r.nodes} Pis, where the time of the missed targets goes:\n${r.profileReport.join('\n')}\n`);
  mkdirSync(resultsDir, { recursive: true });
  const file = `${resultsDir}fleet-vs-ansible-${runStamp}.json`;
  const recorded = raw.flatMap((r) => r.bramble).find((b) => b.recordedObserve)?.recordedObserve;
  writeFileSync(
    file,
    `${JSON.stringify({ rounds, summaries, raw: raw.map((r) => ({ ...r, bramble: r.bramble.map(({ recordedObserve: _, profiles: _p, ...b }) => b) })), recordedObserve: recorded }, null, 2)}\n`,
  );
  process.stdout.write(`results: bench/results/${file.slice(resultsDir.length)}\n`);
  return summaries;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchFleetVsAnsible();
