// The operator as bramble ships it: the SSH executor, every reconciler, and the fleet metrics
// read from the informer caches. `bramble run` and the end-to-end tests start it through here,
// so the tests prove the same wiring users run.
import type { KubeConfig } from '../controllers/kubeconfig.ts';
import { Registry } from 'prom-client';
import type { ControllerRegistration, Manager, ManagerOptions } from '../controllers/manager.ts';
import { runOperator } from '../controllers/operator-main.ts';
import { registerSampleGauges, type GaugeSample, type SampleGaugeFamily } from '../metrics/sample-gauges.ts';
import type { PiNode } from '../crds/pinode.ts';
import { piNodeReconciler } from '../reconcilers/pinode/reconciler.ts';
import { piNodeGaugeHelp, piNodeGaugeSamples } from '../reconcilers/pinode/metrics.ts';
import { problemLabelledFamilies } from '../reconcilers/pinode/health-metrics.ts';
import type { SlurmPartition } from '../crds/slurmpartition.ts';
import { slurmPartitionReconciler } from '../reconcilers/slurm/reconciler.ts';
import { slurmGaugeHelp, slurmPartitionGaugeSamples } from '../reconcilers/slurm/metrics.ts';
import type { GlusterVolume } from '../crds/glustervolume.ts';
import { glusterVolumeReconciler } from '../reconcilers/gluster/reconciler.ts';
import { glusterGaugeHelp, glusterVolumeGaugeSamples } from '../reconcilers/gluster/metrics.ts';
import type { MinioPool } from '../crds/miniopool.ts';
import { minioPoolReconciler } from '../reconcilers/minio/reconciler.ts';
import { minioGaugeHelp, minioPoolGaugeSamples } from '../reconcilers/minio/metrics.ts';
import type { Reconciler, Resource } from '../reconcilers/contract.ts';
import type { Executor } from '../ssh/executor.ts';
import { createSshMetrics } from '../ssh/prometheus-observer.ts';
import { Ssh2Executor } from '../ssh/ssh2-executor.ts';
import { probeSshBanner } from '../ssh/banner-probe.ts';
import { LivenessMonitor } from '../controllers/liveness.ts';
import { createNodeBootsCounter } from '../reconcilers/pinode/boots-metric.ts';

interface KindWiring {
  registration: ControllerRegistration;
  /** Each family's help text, from the kind's metrics module. */
  gaugeHelp: Record<string, string>;
  gaugeLabels(family: string): string[];
  /** Gauge samples of one object, from its status (read from the informer cache at scrape time). */
  gaugeSamples(obj: Resource<unknown, unknown>): GaugeSample[];
}

const kinds: KindWiring[] = [
  {
    // Hosts observed and configured at once; each host still gets one connection.
    registration: { reconciler: piNodeReconciler as Reconciler<unknown, unknown>, concurrency: 16 },
    gaugeHelp: piNodeGaugeHelp,
    gaugeLabels: (f) =>
      f === 'bramble_node_throttled'
        ? ['namespace', 'pinode', 'flag']
        : problemLabelledFamilies.has(f)
          ? ['namespace', 'pinode', 'problem']
          : ['namespace', 'pinode'],
    gaugeSamples: (o) => piNodeGaugeSamples(o.metadata.namespace, o.metadata.name, (o as PiNode).status),
  },
  {
    // A partition depends on the PiNodes it selects (labels, facts, readiness); clusters converge
    // one at a time each (the reconciler locks per cluster).
    registration: { reconciler: slurmPartitionReconciler as Reconciler<unknown, unknown>, concurrency: 2, watchNodes: true },
    gaugeHelp: slurmGaugeHelp,
    gaugeLabels: (f) =>
      f === 'bramble_slurm_partition_up' ? ['namespace', 'cluster', 'partition'] : ['namespace', 'cluster', 'partition', 'state'],
    gaugeSamples: (o) => {
      const p = o as SlurmPartition;
      return slurmPartitionGaugeSamples(p.metadata.namespace, p.spec.clusterName ?? 'bramble', p.metadata.name, p.status);
    },
  },
  {
    // A volume depends on the PiNodes its bricks and mount select.
    registration: { reconciler: glusterVolumeReconciler as Reconciler<unknown, unknown>, concurrency: 2, watchNodes: true },
    gaugeHelp: glusterGaugeHelp,
    gaugeLabels: () => ['namespace', 'glustervolume'],
    gaugeSamples: (o) => glusterVolumeGaugeSamples(o.metadata.namespace, o.metadata.name, (o as GlusterVolume).status),
  },
  {
    // A pool's MINIO_VOLUMES is made from the PiNodes it selects; one rollout at a time.
    registration: { reconciler: minioPoolReconciler as Reconciler<unknown, unknown>, concurrency: 1, watchNodes: true },
    gaugeHelp: minioGaugeHelp,
    gaugeLabels: () => ['namespace', 'miniopool'],
    gaugeSamples: (o) => minioPoolGaugeSamples(o.metadata.namespace, o.metadata.name, (o as MinioPool).status),
  },
];

export function operatorControllers(): ControllerRegistration[] {
  return kinds.map((k) => k.registration);
}

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
  // Connections stay open: their keepalives (every 5 s) are how a Pi that goes away is noticed.
  const ssh = new Ssh2Executor({ observer: createSshMetrics(registry), idleCloseMs: 0 });
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
  for (const kind of kinds) {
    const families: SampleGaugeFamily[] = Object.entries(kind.gaugeHelp).map(([name, help]) => ({
      name,
      help,
      labelNames: kind.gaugeLabels(name),
    }));
    const informer = (): ReturnType<Manager['informer']> => manager.informer(kind.registration.reconciler.kind);
    // Only the leader exports the per-object gauges: every replica's informers hold the same
    // objects, and Prometheus scrapes every replica, so with N replicas each `sum`/`count`
    // panel would count each Pi N times and each alert would fire N times. A standby says it is
    // one with leader_election_master_status 0.
    registerSampleGauges(registry, families, () =>
      manager.isLeader() ? (informer()?.list() ?? []).flatMap((o) => kind.gaugeSamples(o as unknown as Resource<unknown, unknown>)) : [],
    );
  }
  const liveness = startLiveness(manager, ssh, registry);
  return {
    manager,
    stop: async () => {
      liveness.stop();
      await manager.stop();
      await ssh.close();
    },
  };
}

/** Connection loss and probes of silent Pis requeue PiNodes (controllers/liveness.ts); reboots are counted. */
function startLiveness(manager: Manager, ssh: Ssh2Executor, registry: Registry): LivenessMonitor {
  const monitor = new LivenessMonitor({
    // Only the leader reconciles, so only the leader probes.
    nodes: () => (manager.isLeader() ? (manager.informer('PiNode')?.list() ?? []) : []),
    requeueNode: (namespace, name) => manager.requeueNode(namespace, name),
    probe: (host, port) => probeSshBanner(host, port, 3_000),
    answered: (host, port) => ssh.forgetFailures(host, port),
    silent: (host, port, detail, forMs) => ssh.markDown(host, port, detail, forMs),
  });
  ssh.onConnectionLost((lost) => void monitor.connectionLost(lost.host, lost.port));
  const boots = createNodeBootsCounter(registry);
  // Counted by the leader only, as the per-object gauges are: two replicas must not double a sum.
  const counted = (previous: PiNode | undefined, current: PiNode): void => {
    if (manager.isLeader()) boots.statusChanged(current.metadata.namespace ?? '', current.metadata.name, previous?.status, current.status);
  };
  manager.informer('PiNode')?.addHandlers({
    onAdd: (current) => counted(undefined, current as unknown as PiNode),
    onUpdate: (old, current) => counted(old as unknown as PiNode, current as unknown as PiNode),
    onDelete: (gone) => boots.removed(gone.metadata.namespace ?? '', gone.metadata.name),
  });
  monitor.start();
  return monitor;
}
