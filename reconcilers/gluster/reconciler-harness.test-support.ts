// Test support: the GlusterVolume reconciler with a recording executor at the edge. Observe
// answers are built from the real gluster XML captured on the fleet (fixtures/), section by
// section as the script asks for them, so what is counted is what the Pis would see. The
// fixtures' volume vol1 is replica 3 on /srv/gluster/vol1 of pi0–pi2, mounted at /mnt/shared.
import { readFileSync } from 'node:fs';
import { RecordingExecutor } from '../../ssh/recording-executor.ts';
import { FakeView } from '../slurm/cluster-fixture.test-support.ts';
import type { ExecOptions, SshTarget } from '../../ssh/executor.ts';
import type { ReconcileContext, Resource } from '../contract.ts';
import { createGlusterVolumeReconciler } from './reconciler.ts';
import type { GlusterVolume, GlusterVolumeSpec, PiNode } from './types.ts';

export const nonce = 'n0nce0001';
export const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
export const addresses: Record<string, string> = { pi0: '10.213.42.10', pi1: '10.213.42.11', pi2: '10.213.42.12' };
/** This resource's UID, and another resource's. */
export const ownUid = '0a1b2c3d-0000-4000-8000-00000000000a';
export const otherUid = '0a1b2c3d-0000-4000-8000-00000000000b';
/** vol1's ID in the captured volume info, and the same UUID as its bricks' trusted.glusterfs.volume-id. */
export const vol1Id = '5810c962-b9ae-4193-bc6c-e2bf6a67d69a';
export const hexOf = (uuid: string) => uuid.replaceAll('-', '');

/** The RecordingExecutor's default host key, as the PiNode reconciler would have recorded it. */
export const recordedHostKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeFakeFakeFakeFakeFakeFakeFakeFakeFakeFake';

export function piNode(name: string, namespace = 'lab'): PiNode {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name, namespace, labels: { seed: 'yes' } },
    spec: {
      address: addresses[name] ?? '',
      port: 22,
      ssh: { user: 'pi', privateKeySecretRef: { name: 'pi-ssh' }, hostKeyPolicy: 'TrustOnFirstUse' },
    },
    // Recorded by the PiNode reconciler: the Gluster reconciler connects to no other host (shared/secret-target.ts).
    status: { hostKey: recordedHostKey },
  } as PiNode;
}

/** The fixtures' volume vol1, as this resource (namespace lab, uid ownUid). */
export function vol1(spec: Partial<GlusterVolumeSpec> = {}, meta: { namespace?: string; uid?: string; name?: string } = {}): GlusterVolume {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'GlusterVolume',
    metadata: { name: meta.name ?? 'vol1', namespace: meta.namespace ?? 'lab', uid: meta.uid ?? ownUid, generation: 3 },
    spec: {
      type: 'Replicate',
      replica: 3,
      bricks: { nodeNames: ['pi0', 'pi1', 'pi2'], path: '/srv/gluster', allowRootFilesystem: true },
      options: [{ name: 'performance.cache-size', value: '64MB' }],
      mount: { nodeSelector: { matchLabels: { seed: 'yes' } }, path: '/mnt/shared' },
      reclaimPolicy: 'Retain',
      ...spec,
    },
  } as GlusterVolume;
}

/** What this resource records in status once vol1 carries its marker. */
export function vol1Record(): NonNullable<GlusterVolume['status']>['owned'] {
  return {
    volumeName: 'vol1',
    volumeId: vol1Id,
    bricks: ['pi0', 'pi1', 'pi2'].map((n) => ({ node: n, host: addresses[n] ?? '', path: '/srv/gluster/vol1' })),
    mounts: ['pi0', 'pi1', 'pi2'].map((n) => ({ node: n, path: '/mnt/shared' })),
  };
}

/** The captured vol1 info with bramble's owner options added as gluster lists them (see volume-info-owned.xml); null: unmarked. */
export function volumeInfoXml(owner: { uid: string; name: string } | null = { uid: ownUid, name: 'lab/vol1' }): string {
  const xml = fixture('volume-info-replica3.xml');
  if (!owner) return xml;
  const option = (name: string, value: string) =>
    `\n          <option>\n            <name>${name}</name>\n            <value>${value}</value>\n          </option>`;
  return xml.replace('<options>', `<options>${option('user.bramble.owner-name', owner.name)}${option('user.bramble.owner', owner.uid)}`);
}

export const volumeMissingXml =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cliOutput>\n  <opRet>-1</opRet>\n  <opErrno>30806</opErrno>\n  <opErrstr>Volume does not exist</opErrstr>\n</cliOutput>';

export const fstabLine = '10.213.42.10:/vol1 /mnt/shared glusterfs defaults,_netdev,backup-volfile-servers=10.213.42.11:10.213.42.12 0 0';

/** pi0's and pi2's views were captured; pi1's is pi2's with pi1 swapped for pi2. */
function peersSeenFrom(host: string): string {
  if (host === '10.213.42.10') return fixture('peer-status.xml');
  const pi2 = fixture('peer-status-pi2.xml');
  if (host === '10.213.42.12') return pi2;
  return pi2
    .replaceAll('ebc3ad51-f690-46d9-b047-8cd98553a12e', 'f08d49b7-8fe5-4626-8cd1-872e15fa4b1d')
    .replaceAll('10.213.42.11', '10.213.42.12');
}

/** The section names an observe script asks for, in order (`sec NAME;`, NAME possibly quoted). */
export function sectionsAskedFor(script: string): string[] {
  return [...script.matchAll(/\bsec ('(?:[^']|'\\'')*'|[^\s;']+);/g)].map((m) => {
    const word = m[1] ?? '';
    return word.startsWith("'") ? word.slice(1, -1).replaceAll("'\\''", "'") : word;
  });
}

/** A section of the converged fixture volume as `host` prints it; undefined prints it empty. */
function convergedSection(host: string, name: string): string | undefined {
  const fixed: Record<string, string> = {
    'gluster-cli': '/usr/sbin/gluster',
    glusterd: 'active enabled',
    'glusterd-uuid': `UUID=${host === '10.213.42.10' ? 'a65cee39-d8ae-4e51-aac9-2276a135ad57' : host === '10.213.42.11' ? 'ebc3ad51-f690-46d9-b047-8cd98553a12e' : 'f08d49b7-8fe5-4626-8cd1-872e15fa4b1d'}`,
    'gluster-peers': peersSeenFrom(host),
    'root-device': '122',
    'volume-info': volumeInfoXml(),
    'volume-status': fixture('status-all-online.xml'),
    'heal-summary': fixture('heal-summary-clean.xml'),
    rebalance: '',
    'mount-helper': '/usr/sbin/mount.glusterfs',
    'home-dirs': '/home/alice\n/home/pi\n/nonexistent\n/root',
    'boot-state': 'running 3600.12',
    end: '',
    // As the script before ownership records asked (one brick and one mount per host).
    brick: 'exists=1 dev=122',
    mounted: '10.213.42.10:/vol1 fuse.glusterfs',
    fstab: fstabLine,
  };
  if (name in fixed) return fixed[name];
  if (name === 'brick /srv/gluster/vol1') return `exists=1 dev=122 volume-id=${hexOf(vol1Id)}`;
  if (name.startsWith('brick ')) return 'exists=0 dev=122 volume-id=';
  if (name === 'mounted /mnt/shared') return '10.213.42.10:/vol1 fuse.glusterfs';
  if (name === 'fstab /mnt/shared') return fstabLine;
  if (name.startsWith('mountdir ')) return name === 'mountdir /mnt/shared' ? 'mounted' : 'absent';
  return undefined;
}

/** Overrides per host address: section name → text (undefined prints the section empty). */
export type SectionOverrides = Record<string, Record<string, string | undefined>>;

/** What the observe script prints on `host`: the converged fixture volume, with `overrides` laid over it. */
export function observeBlob(host: string, script: string, overrides: SectionOverrides = {}): string {
  const mine = { ...overrides['*'], ...overrides[host] };
  return sectionsAskedFor(script)
    .map((name) => {
      const body = name in mine ? mine[name] : convergedSection(host, name);
      return `\n@@bramble:${nonce} ${name}\n${body ?? ''}`;
    })
    .join('\n');
}

/** A fresh cluster: glusterd stopped and alone, no volume, no brick directories, nothing mounted. */
export const freshCluster: SectionOverrides = {
  '*': {
    glusterd: 'inactive disabled',
    'gluster-peers': undefined,
    'volume-info': undefined,
    brick: 'exists=0 dev=122',
    mounted: undefined,
    fstab: undefined,
    'mounted /mnt/shared': undefined,
    'fstab /mnt/shared': undefined,
    'mountdir /mnt/shared': 'absent',
    'brick /srv/gluster/vol1': 'exists=0 dev=122 volume-id=',
  },
};

/** Namespaced: two PiNodes of one name in two namespaces are two objects. */
class NamespacedView extends FakeView {
  override put(o: Resource<unknown, unknown>): void {
    this.objects = [
      ...this.objects.filter(
        (x) => !(x.kind === o.kind && x.metadata.namespace === o.metadata.namespace && x.metadata.name === o.metadata.name),
      ),
      o,
    ];
  }
}

export const isObserve = (stdin: string) => stdin.includes('sec gluster-peers');
export const isApply = (stdin: string) => stdin.includes('run_step');

/** What a step script prints when every one of its steps succeeds. */
export function allStepsSucceeded(stdin: string): string {
  const count = [...stdin.matchAll(/^ {2}run_step \d+ /gm)].length;
  const mark = (text: string) => `\n@@bramble:${nonce} ${text}\n`;
  return [...Array.from({ length: count }, (_, i) => `${mark(`step ${i} begin`)}${mark(`step ${i} end 0`)}`), mark('done')].join('');
}

/** What a Pi answers an exec with: its stdout, both streams, or the error the exec fails with. */
export type Answer = string | { stdout: string; stderr: string } | Error;

export function harness(answer: (target: SshTarget, stdin: string) => Answer) {
  const view = new NamespacedView();
  for (const ns of ['lab', 'team-b']) for (const n of ['pi0', 'pi1', 'pi2']) view.put(piNode(n, ns));
  const executor = new RecordingExecutor().on(
    () => true,
    (_c: string, target: SshTarget, options: ExecOptions) => {
      const stdin = options.stdin?.toString() ?? '';
      const out = answer(target, stdin);
      return typeof out === 'string' ? { stdout: out } : out;
    },
  );
  const log = { debug() {}, info() {}, warn() {}, error() {} };
  const ctx: ReconcileContext = { executor, view, clock: { now: () => new Date('2026-11-25T10:00:00Z') }, log };
  const stdins = () => executor.calls.map((c) => ({ host: c.target.host, stdin: c.options.stdin?.toString() ?? '' }));
  return {
    executor,
    view,
    ctx,
    reconciler: createGlusterVolumeReconciler({ nonce: () => nonce }),
    /** The apply scripts sent, with their hosts. */
    applies: () => stdins().filter((c) => isApply(c.stdin)),
  };
}

/** A harness whose Pis answer observes from the converged fixture (with overrides) and record applies. */
export function recordingHarness(overrides: SectionOverrides = {}) {
  return harness((target, stdin) => (isObserve(stdin) ? observeBlob(target.host, stdin, overrides) : allStepsSucceeded(stdin)));
}
