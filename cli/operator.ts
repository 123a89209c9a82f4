// The operator as bramble ships it: the SSH executor, every reconciler, and the fleet metrics
// read from the informer caches. `bramble run` and the end-to-end tests start it through here,
// so the tests prove the same wiring users run.
import type { KubeConfig } from '@kubernetes/client-node';
import { Registry } from 'prom-client';
import type { ControllerRegistration, Manager, ManagerOptions } from '../controllers/manager.ts';
import { runOperator } from '../controllers/operator-main.ts';
import { registerSampleGauges, type SampleGaugeFamily } from '../metrics/sample-gauges.ts';
import type { PiNode } from '../crds/pinode.ts';
import { piNodeReconciler } from '../reconcilers/pinode/reconciler.ts';
import { piNodeGaugeHelp, piNodeGaugeSamples } from '../reconcilers/pinode/metrics.ts';
import type { SlurmPartition } from '../crds/slurmpartition.ts';
import { slurmPartitionReconciler } from '../reconcilers/slurm/reconciler.ts';
import { slurmGaugeHelp, slurmPartitionGaugeSamples } from '../reconcilers/slurm/metrics.ts';
import type { Reconciler } from '../reconcilers/contract.ts';
import type { Executor } from '../ssh/executor.ts';
import { createSshMetrics } from '../ssh/prometheus-observer.ts';
import { Ssh2Executor } from '../ssh/ssh2-executor.ts';

/** Hosts observed and configured at once; each host still gets one connection. */
const piNodeWorkers = 16;

/** Slurm clusters converge one at a time each (the reconciler locks per cluster). */
const slurmWorkers = 2;

export function operatorControllers(): ControllerRegistration[] {
  return [
    { reconciler: piNodeReconciler as Reconciler<unknown, unknown>, concurrency: piNodeWorkers },
    // A partition depends on the PiNodes it selects (labels, facts, readiness).
    { reconciler: slurmPartitionReconciler as Reconciler<unknown, unknown>, concurrency: slurmWorkers, watchNodes: true },
  ];
}

const piNodeFamilies: SampleGaugeFamily[] = Object.entries(piNodeGaugeHelp).map(([name, help]) => ({
  name,
  help,
  labelNames: name === 'bramble_node_throttled' ? ['namespace', 'pinode', 'flag'] : ['namespace', 'pinode'],
}));

const slurmFamilies: SampleGaugeFamily[] = Object.entries(slurmGaugeHelp).map(([name, help]) => ({
  name,
  help,
  labelNames: name === 'bramble_slurm_partition_up' ? ['namespace', 'cluster', 'partition'] : ['namespace', 'cluster', 'partition', 'state'],
}));

export interface StartOperatorOptions {
  /** Operator flags (`--leader-elect`, `--metrics-bind-address`, …). */
  argv: readonly string[];
  /** Used unless `--kubeconfig` is given: the embedded control plane's. */
  kubeConfig?: KubeConfig;
  /** Lets a test observe every SSH command (it must pass each call on unchanged). */
  wrapExecutor?: (executor: Executor) => Executor;
  /** Runtime settings tests shorten (resync period, backoff). */
  tuning?: Pick<ManagerOptions, 'resyncMs' | 'backoff' | 'shutdownTimeoutMs' | 'onLeadershipLost'>;
}

export interface RunningOperator {
  manager: Manager;
  stop(): Promise<void>;
}

export async function startBrambleOperator(options: StartOperatorOptions): Promise<RunningOperator> {
  const registry = new Registry();
  const ssh = new Ssh2Executor({ observer: createSshMetrics(registry) });
  const executor = options.wrapExecutor ? options.wrapExecutor(ssh) : ssh;
  const manager = await runOperator({
    argv: options.argv,
    kubeConfig: options.kubeConfig,
    registry,
    executor,
    controllers: operatorControllers(),
    // The caller stops the SSH executor (and any control plane) too, so it owns the signals.
    handleSignals: false,
    ...options.tuning,
  });
  registerSampleGauges(registry, piNodeFamilies, () =>
    (manager.informer('PiNode')?.list() ?? []).flatMap((o) => {
      const node = o as unknown as PiNode;
      return piNodeGaugeSamples(node.metadata.namespace, node.metadata.name, node.status);
    }),
  );
  registerSampleGauges(registry, slurmFamilies, () =>
    (manager.informer('SlurmPartition')?.list() ?? []).flatMap((o) => {
      const p = o as unknown as SlurmPartition;
      return slurmPartitionGaugeSamples(p.metadata.namespace, p.spec.clusterName ?? 'bramble', p.metadata.name, p.status);
    }),
  );
  return {
    manager,
    stop: async () => {
      await manager.stop();
      await ssh.close();
    },
  };
}
