// Test support: PiNodes, SlurmPartitions, a munge key Secret and a read-only view over them,
// shaped as the controller's informer cache would serve them.
import type { ClusterView, LabelSelector, ReconcileContext, Resource, SecretView } from '../contract.ts';
import type { PiNode, SlurmPartition, SlurmPartitionSpec } from './types.ts';
import { fakeHostKey, freshHost, FakeSlurmFleet, type FakeHost } from './fake-slurm-host.test-support.ts';
import type { SecretCreator } from './munge-key.ts';
import { testPrivateKey } from '../../ssh/test-key.test-support.ts';

export const namespace = 'lab';
const privateKey = testPrivateKey;
export const mungeKey = Buffer.alloc(128, 7);

/** A Pi 3B+: 4 CPUs, MemTotal 926 MiB. */
export function piNode(name: string, address: string, labels: Record<string, string>): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name, namespace, labels },
    spec: { address, port: 22, ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-ssh' }, hostKeyPolicy: 'TrustOnFirstUse' } },
    status: { facts: { cpus: 4, memoryBytes: 926 * 1024 * 1024 }, hostKey: fakeHostKey },
  };
}

export function partition(name: string, spec: Partial<SlurmPartitionSpec> = {}): SlurmPartition {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'SlurmPartition',
    metadata: { name, namespace, generation: 1, finalizers: ['bramble.dev/slurm-cleanup'] },
    spec: {
      clusterName: 'bramble',
      controller: 'pi0',
      nodeSelector: { matchLabels: { slurm: 'compute' } },
      default: false,
      maxTime: 'UNLIMITED',
      state: 'UP',
      mungeKeySecretRef: { name: 'munge' },
      reservedMemoryMiB: 256,
      ...spec,
    },
  };
}

function matches(selector: LabelSelector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  return (
    Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v) &&
    (selector.matchExpressions ?? []).every((e) =>
      e.operator === 'In' ? (e.values ?? []).includes(labels[e.key] ?? '\0') : e.operator === 'Exists' ? e.key in labels : true,
    )
  );
}

export class FakeView implements ClusterView {
  objects: Resource<unknown, unknown>[] = [];
  secrets = new Map<string, SecretView>([
    ['pi-ssh', { type: 'kubernetes.io/ssh-auth', data: { 'ssh-privatekey': Buffer.from(privateKey) } }],
    ['munge', { data: { 'munge.key': mungeKey } }],
  ]);

  getSecret(_ns: string, name: string): SecretView | undefined {
    return this.secrets.get(name);
  }

  list<T extends Resource<unknown, unknown>>(kind: string, ns: string, selector?: LabelSelector): T[] {
    return structuredClone(
      this.objects.filter((o) => o.kind === kind && o.metadata.namespace === ns && (!selector || matches(selector, o.metadata.labels))),
    ) as T[];
  }

  get<T extends Resource<unknown, unknown>>(kind: string, ns: string, name: string): T | undefined {
    const o = this.objects.find((x) => x.kind === kind && x.metadata.namespace === ns && x.metadata.name === name);
    return o ? (structuredClone(o) as T) : undefined;
  }

  put(o: Resource<unknown, unknown>): void {
    this.objects = [...this.objects.filter((x) => !(x.kind === o.kind && x.metadata.name === o.metadata.name)), o];
  }
}

export class RecordingSecretCreator implements SecretCreator {
  created: { namespace: string; name: string; data: Record<string, Buffer> }[] = [];
  constructor(private readonly view: FakeView) {}
  async createSecret(ns: string, name: string, data: Record<string, Buffer>): Promise<'created' | 'exists'> {
    if (this.view.secrets.has(name)) return 'exists';
    this.created.push({ namespace: ns, name, data });
    this.view.secrets.set(name, { type: 'Opaque', data });
    return 'created';
  }
}

export interface Lab {
  view: FakeView;
  fleet: FakeSlurmFleet;
  ctx: ReconcileContext;
  hosts: FakeHost[];
}

/** pi0 is the controller; pi1..pi3 are labelled slurm=compute. */
export function lab(computeCount = 3): Lab {
  const view = new FakeView();
  const hosts = [freshHost('pi0', '10.0.0.10')];
  view.put(piNode('pi0', '10.0.0.10', { role: 'controller' }));
  for (let i = 1; i <= computeCount; i++) {
    hosts.push(freshHost(`pi${i}`, `10.0.0.1${i}`));
    view.put(piNode(`pi${i}`, `10.0.0.1${i}`, { slurm: 'compute' }));
  }
  const fleet = new FakeSlurmFleet(hosts);
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const ctx: ReconcileContext = { executor: fleet.executor, view, clock: { now: () => new Date('2026-11-25T10:00:00Z') }, log };
  return { view, fleet, ctx, hosts };
}
