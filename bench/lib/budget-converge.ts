// Simulated Pis converged by the operator on a Pi's budget against the same operator unlimited:
// `node dist/bramble.mjs run` (as the image starts it) with the chart's heap cap, inside the CPU
// limit or not, alternately, on one fleet reset to its booted state before every run, each run on
// a fresh control plane process. A run: the operator is started and ready (/readyz), then the
// PiNodes are applied; converge is apply → every PiNode Ready for its generation.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startFleet, type Fleet } from '../../test/fleet/fleet.ts';
import { hostLeaks } from '../../test/fleet/host-leaks.ts';
import { freePort } from '../../test/free-port.ts';
import { runKubectl } from '../../test/controlplane/harness.ts';
import { applyCrdsAndFleetKey, startControlPlaneProcess, stopChild } from './bramble-round.ts';
import { isReady } from './http-ready.ts';
import { prepareFleet, resetFleet } from './fleet-prep.ts';
import { cpuMsOf } from './process-tree.ts';
import { piNodeDocs } from './workload.ts';
import type { CpuLimit } from './cpu-limit.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));

export interface ConvergeRun {
  /** apply → every PiNode Ready for its generation. */
  ms: number;
  /** The operator's CPU from its spawn to the end of the converge (its start included). */
  cpuMs: number;
}

export interface BudgetConverge {
  nodes: number;
  budget: ConvergeRun[];
  unlimited: ConvergeRun[];
  /** What the fleet left on the host after its teardown (expected: nothing). */
  leaks: string[];
}

interface PiNodeList {
  items: { metadata: { generation?: number }; status?: { observedGeneration?: number; conditions?: { type: string; status: string }[] } }[];
}

async function allReady(kubeconfig: string, nodes: number): Promise<boolean> {
  const r = await runKubectl(kubeconfig, ['get', 'pinodes', '-o', 'json']);
  if (r.code !== 0) return false;
  const { items } = JSON.parse(r.stdout) as PiNodeList;
  return (
    items.length === nodes &&
    items.every(
      (o) =>
        o.status?.observedGeneration === o.metadata.generation &&
        (o.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    )
  );
}

async function until(what: string, ms: number, check: () => Promise<boolean>, everyMs: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

async function convergeOnce(fleet: Fleet, image: string, heapFlag: string, limit: CpuLimit | undefined): Promise<ConvergeRun> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-bench-budget-converge-'));
  const cp = await startControlPlaneProcess(dir);
  let operator: ReturnType<typeof spawn> | undefined;
  try {
    const kubectl = await applyCrdsAndFleetKey(cp.kubeconfig, dir, fleet);
    const health = await freePort();
    const args = [
      image,
      'run',
      '--kubeconfig',
      cp.kubeconfig,
      '--metrics-bind-address',
      '0',
      '--health-probe-bind-address',
      `127.0.0.1:${health}`,
      '--log-level',
      'error',
    ];
    const [command, argv] = limit ? limit.wrap(process.execPath, args) : [process.execPath, args];
    operator = spawn(command, argv, {
      cwd: repo,
      env: { PATH: process.env.PATH, HOME: dir, TMPDIR: dir, NODE_OPTIONS: heapFlag },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const child = operator;
    await until(
      'operator /readyz',
      120_000,
      async () => {
        if (child.exitCode !== null) throw new Error(`the operator exited (${child.exitCode}) before it was ready`);
        return isReady(`http://127.0.0.1:${health}/readyz`);
      },
      50,
    );
    const t0 = performance.now();
    await kubectl(['apply', '-f', '-'], piNodeDocs(fleet.nodes, 'bramble-ssh-key'));
    await until(`${fleet.nodes.length} PiNodes Ready`, 600_000, () => allReady(cp.kubeconfig, fleet.nodes.length), 250);
    return { ms: performance.now() - t0, cpuMs: cpuMsOf(child.pid!) };
  } finally {
    await stopChild(operator);
    await stopChild(cp.child);
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function budgetConverge(
  nodes: number,
  rounds: number,
  image: string,
  heapFlag: string,
  limit: CpuLimit,
  log: (s: string) => void,
): Promise<BudgetConverge> {
  const fleet = await startFleet({ name: 'bbudget', nodes, subnet: '10.213.99.0/24', bootConcurrency: 4 });
  const out: BudgetConverge = { nodes, budget: [], unlimited: [], leaks: [] };
  try {
    await prepareFleet(fleet);
    for (let round = 1; round <= rounds; round++) {
      await resetFleet(fleet);
      log(`  ${nodes} Pis, round ${round}: converge on the budget`);
      out.budget.push(await convergeOnce(fleet, image, heapFlag, limit));
      await resetFleet(fleet);
      log(`  ${nodes} Pis, round ${round}: converge unlimited`);
      out.unlimited.push(await convergeOnce(fleet, image, heapFlag, undefined));
    }
  } finally {
    await fleet.teardown();
    out.leaks = hostLeaks(fleet.name);
  }
  return out;
}
