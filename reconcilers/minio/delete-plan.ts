// What reclaimPolicy Delete removes, from the record in status and what the Pis show now — never
// from the current spec. A recorded drive is deleted only while it carries this resource's marker
// and, when the record has one, MinIO's format.json there has the recorded deployment ID (or none);
// every other recorded drive is left in place and said why. Pure.
import type { Step } from '../shared/step.ts';
import type { NodeObservation } from './parse-observed.ts';
import type { MinioOwned } from './types.ts';
import { deleteDriveStep } from './steps.ts';

export interface DriveDeletePlan {
  /** Steps per PiNode name. */
  steps: Map<string, Step[]>;
  /** node:path of each drive removed. */
  removes: string[];
  /** What stays on the Pis, each with why. */
  left: string[];
  /** Recorded drives on nodes that exist but did not answer: nothing may be decided for them. */
  unreached: string[];
}

export function planDriveDelete(input: {
  record: MinioOwned;
  ownerUid: string;
  /** The PiNode each recorded drive's node is now (by recorded host), when one is. */
  nodeOfHost: ReadonlyMap<string, string>;
  observed: ReadonlyMap<string, NodeObservation>;
}): DriveDeletePlan {
  const { record, ownerUid } = input;
  const plan: DriveDeletePlan = { steps: new Map(), removes: [], left: [], unreached: [] };
  for (const r of record.drives) {
    const node = input.nodeOfHost.get(r.host);
    const where = `${node ?? r.node}:${r.path}`;
    if (node === undefined) {
      plan.left.push(`${r.node} (${r.host}):${r.path}: no PiNode to reach it`);
      continue;
    }
    const o = input.observed.get(node);
    if (!o) {
      plan.unreached.push(where);
      continue;
    }
    const d = o.drives.find((x) => x.path === r.path);
    if (!d?.exists) continue;
    if (d.marker?.uid !== ownerUid) {
      plan.left.push(
        `${where}: ${d.marker ? `its marker names MinioPool ${d.marker.name} (uid ${d.marker.uid})` : 'it carries no marker of this pool'}, so it is not this pool's drive`,
      );
      continue;
    }
    if (record.deploymentId && d.deploymentId && d.deploymentId !== record.deploymentId) {
      plan.left.push(`${where}: it holds MinIO deployment ${d.deploymentId}, not the recorded ${record.deploymentId}`);
      continue;
    }
    plan.steps.set(node, [...(plan.steps.get(node) ?? []), deleteDriveStep(r.path, ownerUid, record.deploymentId)]);
    plan.removes.push(where);
  }
  return plan;
}
