// What the process fault cases read about the operators: which one leads (its metrics), the
// Lease's holder, whether one is healthy, and its log. (The apply in flight and the readiness
// sampler every case uses are in fault-watch.ts.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FaultFleet } from '../e2e/converged-fleet.ts';
import { waitFor } from '../e2e/wait.ts';

export const LEASE = 'bramble-operator';

/** The Lease's holder identity as the control plane stores it ('' when none). */
export async function leaseHolder(ff: FaultFleet): Promise<string> {
  return (await ff.kubectl(['get', 'lease', LEASE, '-n', 'bramble-system', '-o', 'jsonpath={.spec.holderIdentity}'])).trim();
}

/** Whether an operator process says, on its metrics endpoint, that it leads. */
export async function leads(ff: FaultFleet, name: string): Promise<boolean> {
  const ports = ff.operatorPorts.get(name);
  if (!ports) return false;
  try {
    const text = await (await fetch(`http://127.0.0.1:${ports.metrics}/metrics`)).text();
    return /^leader_election_master_status\{[^}]*\} 1$/m.test(text);
  } catch {
    return false; // not running
  }
}

export async function healthy(ff: FaultFleet, name: string): Promise<boolean> {
  const ports = ff.operatorPorts.get(name);
  if (!ports) return false;
  try {
    return (await fetch(`http://127.0.0.1:${ports.health}/healthz`)).status === 200;
  } catch {
    return false;
  }
}

/** The one running operator that leads; waits for there to be one. */
export async function leaderName(ff: FaultFleet, timeoutMs = 60_000): Promise<string> {
  let found = '';
  await waitFor(
    'an operator to lead',
    timeoutMs,
    async () => {
      const leading = [];
      for (const n of ff.operatorNames()) if (await leads(ff, n)) leading.push(n);
      if (leading.length > 1) throw new Error(`two leaders: ${leading.join(', ')}`);
      found = leading[0] ?? '';
      return found !== '';
    },
    250,
  );
  return found;
}

/** The operator's own log (its identity is in the line it writes when it starts leading). */
export function operatorLog(ff: FaultFleet, name: string): string {
  return readFileSync(join(ff.dir, `operator-${name}.log`), 'utf8');
}
