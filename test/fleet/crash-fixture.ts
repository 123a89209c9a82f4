// A test process that starts a one-node fleet and then ends badly, for crash-cleanup.test.ts:
//   node --import tsx test/fleet/crash-fixture.ts NAME SUBNET hang|exit
// "hang": prints READY and its state, then waits to be SIGKILLed (nothing of ours runs after that);
// "exit": prints READY and exits without teardown (the exit guard must start a reaper).
import { startFleet } from './fleet.ts';
import { loadState } from './fleet-state.ts';

const [name, subnet, mode] = process.argv.slice(2);
if (!name || !subnet || (mode !== 'hang' && mode !== 'exit')) throw new Error('usage: NAME SUBNET hang|exit');
await startFleet({ name, subnet, nodes: 1 });
// The state goes out with READY: in "exit" mode the reaper may remove the file at any moment.
process.stdout.write(`READY ${JSON.stringify(loadState(name))}\n`);
if (mode === 'hang') setInterval(() => undefined, 60_000);
else process.exit(0);
