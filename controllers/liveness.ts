// Liveness: status follows a Pi within seconds instead of at the next drift check.
//  - A pooled SSH connection that closes or misses its keepalives requeues that Pi's PiNode and
//    everything that uses the Pi at once, after one probe (the reconcile then finds it down at
//    once, or reconnects to a restarted or rebooted Pi).
//  - A Pi whose PiNode says it does not answer is probed every 15–22 s (jittered per Pi) with one
//    SSH-banner read, at most `concurrency` at a time; when sshd answers, the connect backoff is
//    forgotten and the PiNode requeued, so it is re-observed within seconds. Probes are spread by
//    the jitter, so 100 Pis that drop and return together are neither probed nor re-observed in
//    one burst (the PiNode controller's worker count bounds the observes).
import type { KubeObject } from './kube-object.ts';
import { connectAddressOf, type PiNodeNetworkStatus } from '../crds/pinode-network.ts';
import { RepeatingTimer } from './repeating-timer.ts';
import { realClock, type TimerClock } from './timer-clock.ts';

export type ProbeOutcome = { up: true } | { up: false; detail: string };

export interface LivenessOptions {
  /** PiNodes as the informer cache has them. */
  nodes(): KubeObject[];
  /** Requeue the PiNode and every SlurmPartition/GlusterVolume/MinioPool using it. */
  requeueNode(namespace: string | undefined, name: string): void;
  /** One cheap probe (ssh/banner-probe.ts). */
  probe(host: string, port: number): Promise<ProbeOutcome>;
  /** The host answered: the executor may connect again at once. */
  answered(host: string, port: number): void;
  /** The host did not answer after its connection was lost: the executor fails there at once for `forMs`. */
  silent(host: string, port: number, detail: string, forMs: number): void;
  clock?: TimerClock;
  random?: () => number;
  /** Probe interval of a Pi that does not answer: a uniform pick in [minMs, maxMs] each time. */
  probeIntervalMs?: { minMs: number; maxMs: number };
  /** Probes in flight at once. */
  concurrency?: number;
  /** How often the schedule is looked at. */
  tickMs?: number;
}

/**
 * Reachable reasons that mean "nothing answers". The others answer: a wrong key or refused
 * credentials wait for a person, and a command that timed out on a busy Pi would only be sent
 * again sooner; the reconciler's own backoff retries those.
 */
const notAnswering = new Set(['Unreachable', 'ConnectionLost']);

export const defaultProbeInterval = { minMs: 15_000, maxMs: 22_000 };

interface Address {
  host: string;
  port: number;
}

function addressOf(node: KubeObject): Address | undefined {
  const spec = node.spec as { address?: unknown; port?: unknown } | undefined;
  if (typeof spec?.address !== 'string') return undefined;
  // Where bramble connects: a confirmed network change may have moved the Pi off spec.address.
  const host = connectAddressOf({ address: spec.address }, node.status as { network?: PiNodeNetworkStatus } | undefined);
  return { host, port: typeof spec.port === 'number' ? spec.port : 22 };
}

function isNotAnswering(node: KubeObject): boolean {
  const conditions = (node.status as { conditions?: { type?: string; status?: string; reason?: string }[] } | undefined)?.conditions;
  const reachable = conditions?.find((c) => c.type === 'Reachable');
  return reachable?.status === 'False' && notAnswering.has(reachable.reason ?? '');
}

function nodeKey(node: KubeObject): string {
  return `${node.metadata.namespace ?? ''}/${node.metadata.name}`;
}

export class LivenessMonitor {
  private readonly clock: TimerClock;
  private readonly random: () => number;
  private readonly interval: { minMs: number; maxMs: number };
  private readonly concurrency: number;
  private readonly tickMs: number;
  private readonly timer: RepeatingTimer;
  /** When each non-answering PiNode is probed next. */
  private readonly nextProbeAt = new Map<string, number>();
  private readonly probing = new Set<string>();
  private stopped = true;
  probesSent = 0;
  probesAnswered = 0;
  connectionsLost = 0;

  constructor(private readonly options: LivenessOptions) {
    this.clock = options.clock ?? realClock;
    this.random = options.random ?? Math.random;
    this.interval = options.probeIntervalMs ?? defaultProbeInterval;
    this.concurrency = options.concurrency ?? 10;
    this.tickMs = options.tickMs ?? 1_000;
    this.timer = new RepeatingTimer(this.clock, this.tickMs, () => this.tick());
  }

  start(): void {
    this.stopped = false;
    this.timer.start();
  }

  stop(): void {
    this.stopped = true;
    this.timer.stop();
  }

  /**
   * A pooled connection to host:port ended without bramble closing it. One probe first tells a
   * restarted sshd (it answers: reconnect) from a Pi that is gone (the executor is told, so the
   * reconcile reports it at once instead of waiting out a connect timeout); then every PiNode at
   * that address is requeued.
   */
  connectionLost(host: string, port: number): Promise<void> {
    this.connectionsLost++;
    this.probesSent++;
    return this.options
      .probe(host, port)
      .catch((err: unknown) => ({ up: false as const, detail: String(err) }))
      .then((outcome) => {
        if (this.stopped) return;
        if (outcome.up) this.probesAnswered++;
        else this.options.silent(host, port, outcome.detail, this.interval.maxMs + this.tickMs);
        for (const node of this.options.nodes()) {
          const address = addressOf(node);
          if (address?.host === host && address.port === port) this.options.requeueNode(node.metadata.namespace, node.metadata.name);
        }
      });
  }

  /** One pass over the schedule: forget Pis that answer again, probe the ones that are due. */
  tick(): void {
    const now = this.clock.now();
    const down = new Map<string, KubeObject>();
    for (const node of this.options.nodes()) if (isNotAnswering(node)) down.set(nodeKey(node), node);
    for (const key of [...this.nextProbeAt.keys()]) if (!down.has(key)) this.nextProbeAt.delete(key);
    const due: [number, KubeObject][] = [];
    for (const [key, node] of down) {
      const at = this.nextProbeAt.get(key);
      if (at === undefined) this.nextProbeAt.set(key, now + this.jitteredInterval());
      else if (at <= now && !this.probing.has(key)) due.push([at, node]);
    }
    due.sort((a, b) => a[0] - b[0]);
    for (const [, node] of due) {
      if (this.probing.size >= this.concurrency) break;
      this.probeOne(node);
    }
  }

  private probeOne(node: KubeObject): void {
    const key = nodeKey(node);
    const address = addressOf(node);
    if (!address) return;
    this.probing.add(key);
    this.probesSent++;
    void this.options
      .probe(address.host, address.port)
      .catch((err: unknown) => ({ up: false as const, detail: String(err) }))
      .then((outcome) => {
        this.probing.delete(key);
        if (this.nextProbeAt.has(key)) this.nextProbeAt.set(key, this.clock.now() + this.jitteredInterval());
        if (!outcome.up || this.stopped) return;
        this.probesAnswered++;
        this.options.answered(address.host, address.port);
        this.options.requeueNode(node.metadata.namespace, node.metadata.name);
      });
  }

  private jitteredInterval(): number {
    return this.interval.minMs + this.random() * (this.interval.maxMs - this.interval.minMs);
  }
}
