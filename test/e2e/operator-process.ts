// The operator of the fault suite: exactly what `bramble run --kubeconfig …` starts
// (`startBrambleOperator`), in its own process so a test can SIGKILL it, with its SSH executor
// wrapped to record every call (call-log.ts). The resync period comes from the test.
//   node --import tsx test/e2e/operator-process.ts CALL_LOG NAME [operator flags…]
import { startBrambleOperator } from '../../cli/operator.ts';
import { stopOnSignals } from '../../controllers/signals.ts';
import { recordingExecutor } from './call-log.ts';

const [callLog, name, ...argv] = process.argv.slice(2);
if (!callLog || !name) throw new Error('usage: operator-process.ts CALL_LOG NAME [operator flags…]');
const resyncMs = Number(process.env.BRAMBLE_FAULTS_RESYNC_MS ?? '10000');
const operator = await startBrambleOperator({
  argv,
  wrapExecutor: (inner) => recordingExecutor(inner, callLog, name),
  tuning: { resyncMs, shutdownTimeoutMs: 5_000 },
});
stopOnSignals(() => operator.stop());
process.stdout.write(`operator ${name} started\n`);
