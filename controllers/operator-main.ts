// The operator's entry point from the command line: flags → kubeconfig → manager → signals.
// `bramble run` calls this with the reconcilers and the SSH executor it builds.
import { flagUsage, parseManagerFlags } from './flags.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import { createLogger } from './logger.ts';
import { startManager, type Manager, type ManagerOptions } from './manager.ts';
import { stopOnSignals } from './signals.ts';

export interface RunOperatorOptions extends Omit<
  ManagerOptions,
  'kubeConfig' | 'namespace' | 'leaderElect' | 'metricsBindAddress' | 'healthProbeBindAddress' | 'log'
> {
  argv: readonly string[];
  /** Used when no --kubeconfig is given (e.g. the embedded control plane's); else the defaults. */
  kubeConfig?: ManagerOptions['kubeConfig'];
  /** Stop on SIGTERM/SIGINT (default). Off when the caller owns more to stop than the manager. */
  handleSignals?: boolean;
}

export { flagUsage };

/** Parses the operator flags and runs the manager until SIGTERM/SIGINT. Throws UsageError on bad flags. */
export async function runOperator(options: RunOperatorOptions): Promise<Manager> {
  const { argv, kubeConfig, handleSignals = true, ...rest } = options;
  const flags = parseManagerFlags(argv);
  const log = createLogger({ level: flags.logLevel });
  const manager = await startManager({
    ...rest,
    kubeConfig: flags.kubeconfig || !kubeConfig ? loadKubeConfig(flags.kubeconfig) : kubeConfig,
    namespace: flags.namespace,
    leaderElect: flags.leaderElect,
    leaderElectionNamespace: flags.leaderElectionNamespace ?? rest.leaderElectionNamespace,
    leaderElectionId: flags.leaderElectionId,
    metricsBindAddress: flags.metricsBindAddress,
    healthProbeBindAddress: flags.healthProbeBindAddress,
    log,
  });
  if (handleSignals) stopOnSignals(() => manager.stop(), log);
  log.info('operator running', {
    identity: manager.identity,
    namespace: flags.namespace ?? '(all)',
    leaderElect: flags.leaderElect,
    metrics: manager.metricsAddress,
    health: manager.healthAddress,
  });
  return manager;
}
