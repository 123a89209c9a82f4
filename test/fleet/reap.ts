// Cleans up fleets left behind by a run that crashed or was killed, from their state files:
//   node --import tsx test/fleet/reap.ts [NAME...]     (no name: every recorded fleet)
// A fleet whose starting process is still alive is left alone.
import { readdirSync, existsSync } from 'node:fs';
import { cleanupFleet } from './fleet-cleanup.ts';
import { fleetsDir, loadState } from './fleet-state.ts';
import { isAlive, sleep } from './host-resources.ts';

const names = process.argv.slice(2);
const all = existsSync(fleetsDir())
  ? readdirSync(fleetsDir())
      .filter((f) => f.endsWith('.state.json'))
      .map((f) => f.slice(0, -'.state.json'.length))
  : [];
let failed = false;
for (const name of names.length > 0 ? names : all) {
  const state = loadState(name);
  if (!state) continue;
  // Started from an exit hook: give the owner a moment to finish exiting.
  for (let i = 0; i < 50 && isAlive(state.ownerPid); i++) await sleep(100);
  if (isAlive(state.ownerPid)) {
    console.error(`fleet ${name}: its process ${state.ownerPid} is still running; left alone`);
    continue;
  }
  try {
    await cleanupFleet(state);
    console.log(`fleet ${name}: cleaned up`);
  } catch (err) {
    failed = true;
    console.error((err as Error).message);
  }
}
process.exitCode = failed ? 1 : 0;
