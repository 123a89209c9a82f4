// Graceful shutdown, the one way every bramble process does it: the first SIGTERM or SIGINT
// runs `stop` (drain the work queues, release the lease, close SSH and the control plane) and
// exits; a second one exits at once for an operator in a hurry.
import type { JsonLogger } from './logger.ts';

export function stopOnSignals(stop: () => Promise<void>, log?: JsonLogger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      log?.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    received = true;
    log?.info('signal received, shutting down', { signal });
    stop().then(
      () => process.exit(0),
      (err: unknown) => {
        if (log) log.error('shutdown failed', { err: String(err) });
        else process.stderr.write(`bramble: stopping failed: ${String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
