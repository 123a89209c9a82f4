// Whose a Slurm cluster is. A cluster is every SlurmPartition with one clusterName in one
// namespace; bramble marks each Pi it configures with `/var/lib/slurm/bramble-owner`, and the
// controller's StateSaveLocation (queued and running jobs) with `bramble-owner` inside it, both
// holding "NAMESPACE/CLUSTERNAME UID" (UID: the partition that first rolled the cluster out).
// The StateSaveLocation is also recorded in status.stateSave. From these:
//   - a Pi marked for another cluster (another namespace included), or running slurmd/slurmctld
//     with no marker that this cluster's record explains, is refused and left alone;
//   - a controller move is refused until the state was moved by hand (the old slurmctld stopped,
//     the state directory, marker included, copied to the new controller);
//   - a delete stops daemons only on Pis marked as this cluster's, and a cluster that never
//     rolled out (no record in any partition's status) deletes nothing.
// Pure.
import type { HostObservation } from './parse-observed.ts';
import type { SlurmPartition } from './types.ts';
import { slurmConfPath } from './slurm-conf.ts';

export const hostOwnerPath = '/var/lib/slurm/bramble-owner';
export const stateSaveLocation = '/var/lib/slurm/slurmctld';
export const stateOwnerPath = `${stateSaveLocation}/bramble-owner`;

/** What a marker says: the cluster ("namespace/clusterName") and the UID that first marked it. */
export interface ClusterMark {
  cluster: string;
  uid: string;
}

const markPattern = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\/[A-Za-z0-9_-]{1,40}) ([A-Za-z0-9-]{1,64})$/;

/** A marker's text, checked: undefined when there is none, 'unreadable' when it is not one of ours. */
export function parseMark(text: string | undefined): ClusterMark | 'unreadable' | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const m = markPattern.exec(text.trim());
  return m ? { cluster: m[1] ?? '', uid: m[3] ?? '' } : 'unreadable';
}

export function formatMark(mark: ClusterMark): string {
  return `${mark.cluster} ${mark.uid}`;
}

export function clusterKey(p: SlurmPartition): string {
  return `${p.metadata.namespace}/${p.spec.clusterName ?? 'bramble'}`;
}

/** Where the cluster's state is, as the partitions' statuses record it (a pre-marker status: its controller). */
export interface StateRecord {
  node: string;
  clusterUid?: string;
  /** slurm.conf hashes the partitions recorded: a Pi without a marker holding one of these was rolled out by this cluster. */
  confHashes: Set<string>;
}

export function recordOf(partitions: readonly SlurmPartition[]): StateRecord | undefined {
  const confHashes = new Set(partitions.flatMap((p) => (p.status?.configHash ? [p.status.configHash] : [])));
  const withState = partitions.find((p) => p.status?.stateSave);
  if (withState?.status?.stateSave) {
    const { node, clusterUid } = withState.status.stateSave;
    return { node, clusterUid, confHashes };
  }
  const legacy = partitions.find((p) => p.status?.configHash && p.status.controller);
  return legacy?.status?.controller ? { node: legacy.status.controller, confHashes } : undefined;
}

/** The mark this cluster writes: the UID already on the controller, else the recorded one, else this partition's. */
export function markFor(self: SlurmPartition, controller: HostObservation | undefined, record: StateRecord | undefined): ClusterMark {
  const cluster = clusterKey(self);
  for (const text of [controller?.stateOwner, controller?.owner]) {
    const m = parseMark(text);
    if (m && m !== 'unreadable' && m.cluster === cluster) return m;
  }
  return {
    cluster,
    uid:
      record?.clusterUid ??
      self.metadata.uid ??
      `${self.metadata.namespace}.${self.metadata.name}`.replace(/[^A-Za-z0-9-]/g, '-').slice(0, 64),
  };
}

/** Whether a host carries this cluster's marker, or (before markers) the slurm.conf this cluster recorded. */
export function isOurs(o: HostObservation, cluster: string, record: StateRecord | undefined): boolean {
  const m = parseMark(o.owner);
  if (m === 'unreadable') return false;
  if (m) return m.cluster === cluster;
  const conf = o.files.get(slurmConfPath);
  return conf !== undefined && record?.confHashes.has(conf) === true;
}

const running = (o: HostObservation) => ['slurmd', 'slurmctld'].some((s) => o.services.get(s)?.active === true);

export interface Refusal {
  reason: 'ClusterOwnedByAnother' | 'NotCreatedByBramble' | 'ControllerMoveRefused';
  message: string;
}

/** The first host of `hosts` this cluster may not configure, as a refusal; undefined when all are free or ours. */
export function ownershipRefusal(
  cluster: string,
  hosts: ReadonlyMap<string, HostObservation>,
  record: StateRecord | undefined,
): Refusal | undefined {
  for (const [name, o] of [...hosts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const [path, text] of [
      [hostOwnerPath, o.owner],
      [stateOwnerPath, o.stateOwner],
    ] as const) {
      const m = parseMark(text);
      if (m === 'unreadable') {
        return {
          reason: 'NotCreatedByBramble',
          message: `PiNode ${name}: ${path} is not a bramble marker; nothing was changed. Remove it by hand if this Pi is free for Slurm cluster ${cluster}`,
        };
      }
      if (m && m.cluster !== cluster) {
        return {
          reason: 'ClusterOwnedByAnother',
          message:
            `PiNode ${name} belongs to Slurm cluster ${m.cluster} (SlurmPartition uid ${m.uid}, marker ${path}); nothing was taken over or changed. ` +
            `Choose other PiNodes, another controller or the same clusterName in that namespace; if that cluster is gone, remove ${path} on ${name} by hand`,
        };
      }
    }
    if (o.owner === undefined && running(o) && !isOurs(o, cluster, record)) {
      return {
        reason: 'NotCreatedByBramble',
        message:
          `PiNode ${name} runs slurmd or slurmctld that bramble did not set up for Slurm cluster ${cluster} (no ${hostOwnerPath}); nothing was changed. ` +
          `Stop them there (systemctl disable --now slurmd slurmctld) if the Pi is free`,
      };
    }
  }
  return undefined;
}

/**
 * A converged cluster whose spec.controller changed: refused unless the state was moved by hand
 * (the new controller's StateSaveLocation carries this cluster's marker and the old slurmctld
 * is stopped, or its PiNode is gone).
 */
export function controllerMoveRefusal(input: {
  cluster: string;
  record: StateRecord | undefined;
  controller: string;
  newController: HostObservation;
  oldController: HostObservation | undefined;
}): Refusal | undefined {
  const { cluster, record, controller } = input;
  if (!record || record.node === controller) return undefined;
  const moved = (() => {
    const m = parseMark(input.newController.stateOwner);
    return m !== undefined && m !== 'unreadable' && m.cluster === cluster;
  })();
  const oldRuns = input.oldController?.services.get('slurmctld')?.active === true;
  if (moved && !oldRuns) return undefined;
  const old = record.node;
  return {
    reason: 'ControllerMoveRefused',
    message:
      `spec.controller changed from ${old} to ${controller}, but the cluster's state (StateSaveLocation ${stateSaveLocation}: queued and running jobs) is on ${old}; ` +
      `starting slurmctld on ${controller} would lose the queue and run two controllers. Nothing was changed. To move it by hand: on ${old} run ` +
      `"systemctl disable --now slurmctld"; copy ${stateSaveLocation} (with its bramble-owner file) to ${controller} keeping owner slurm (e.g. rsync -a); ` +
      `bramble then moves the cluster. Or set spec.controller back to ${old}`,
  };
}
