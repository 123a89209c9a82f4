// Graceful shutdown: the first SIGTERM or SIGINT stops the manager (drain, release the lease);
// a second one exits at once for an operator in a hurry.
import type { JsonLogger } from './logger.ts';
import type { Manager } from './manager.ts';

export function stopOnSignals(manager: Manager, log: JsonLogger): void {
  let received = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (received) {
      log.warn('second signal, exiting now', { signal });
      process.exit(1);
    }
    received = true;
    log.info('signal received, shutting down', { signal });
    manager.stop().then(
      () => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
      },
      (err: unknown) => {
        log.error('shutdown failed', { err });
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
