// Makes sure a fleet does not outlive the test process: on SIGINT/SIGTERM/SIGHUP every live
// fleet is torn down before exiting; on any other exit (a forgotten teardown, an uncaught error)
// a detached reaper cleans up from the fleet's state file after this process is gone.
import { spawn } from 'node:child_process';

interface Guarded {
  name: string;
  teardown(): Promise<void>;
}

const live = new Map<string, Guarded>();
let installed = false;
const signals = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
/** Above cleanup's own bounds (20 s power-off grace, then SIGKILL) for a fleet of 100 nodes. */
const signalTeardownBoundMs = 120_000;

export function guardFleet(fleet: Guarded): void {
  live.set(fleet.name, fleet);
  if (installed) return;
  installed = true;
  for (const [signal, number] of Object.entries(signals)) {
    process.once(signal, () => {
      // A teardown that hangs must not keep a killed run alive: past the bound the process
      // exits anyway, and the exit hook below hands what is left to a reaper.
      setTimeout(() => process.exit(128 + number), signalTeardownBoundMs).unref();
      void Promise.allSettled([...live.values()].map((f) => f.teardown())).then(() => process.exit(128 + number));
    });
  }
  process.once('exit', () => {
    for (const name of live.keys()) startReaper(name);
  });
}

export function unguardFleet(name: string): void {
  live.delete(name);
}

function startReaper(name: string): void {
  const reaper = new URL('./reap.ts', import.meta.url).pathname;
  const repoRoot = new URL('../../', import.meta.url).pathname;
  spawn(process.execPath, ['--import', 'tsx', reaper, name], {
    cwd: repoRoot,
    detached: true,
    stdio: 'ignore',
  }).unref();
}
