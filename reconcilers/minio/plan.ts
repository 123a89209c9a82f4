// plan: a pure function from (the pool wanted, what each node reports) to the steps per node.
// Two phases: every node that needs the binary downloads and verifies it first (in parallel);
// then nodes change one at a time (the rollout), each ending with a restart that waits for the
// node's /minio/health/live. A node restarts only when the binary, env file or unit it runs from
// changed, or when it is not running them yet (observe's fingerprint check).
import type { Step } from '../shared/step.ts';
import type { NodeObservation } from './parse-observed.ts';
import type { Owner } from '../shared/owner.ts';
import {
  drivesStep,
  enableStep,
  fetchBinaryStep,
  installBinaryStep,
  restartStep,
  serviceUserStep,
  stampModeStep,
  stopStep,
  unitStep,
} from './steps.ts';

export interface PoolWanted {
  url: string;
  sha256: string;
  envSha256: string;
  unitText: string;
  unitSha256: string;
  serviceUser: string;
  drivePaths: readonly string[];
  apiPort: number;
  allowRootFilesystem: boolean;
  /** Whose the drives are marked as. */
  owner: Owner;
}

export interface NodePlan {
  host: string;
  /** Phase one, in parallel on every node: download and verify. */
  stage: Step[];
  /** The env file differs: apply writes it (content on stdin) before `roll`. */
  writeEnv: boolean;
  /** Phase two, one node at a time. */
  roll: Step[];
}

export interface PoolPlan {
  nodes: NodePlan[];
}

/** Drives that would land on the root filesystem (the SD card) while that is not allowed. */
export function rootFilesystemDrives(o: NodeObservation, wanted: Pick<PoolWanted, 'allowRootFilesystem'>): string[] {
  if (wanted.allowRootFilesystem) return [];
  return o.drives.filter((d) => d.mountPoint === '/').map((d) => d.path);
}

export function planNode(host: string, o: NodeObservation, wanted: PoolWanted): NodePlan {
  const binaryChanges = o.binarySha256 !== wanted.sha256;
  const envChanges = o.env?.sha256 !== wanted.envSha256 || o.env.mode !== '600' || o.env.owner !== 'root';
  const unitChanges = o.unitSha256 !== wanted.unitSha256;
  const roll: Step[] = [];
  if (binaryChanges) roll.push(installBinaryStep(wanted.sha256));
  const userExists = o.serviceUser !== undefined;
  if (!userExists) roll.push(serviceUserStep(wanted.serviceUser));
  const drive = (p: string) => o.drives.find((d) => d.path === p);
  const drivesReady = wanted.drivePaths.every((p) => {
    const d = drive(p);
    return d?.exists && d.owner === wanted.serviceUser && d.marker?.uid === wanted.owner.uid;
  });
  // Formatted drives without a marker got past the collision check only as this pool's own (see ownership.ts).
  const adopt = wanted.drivePaths.filter((p) => !drive(p)?.marker && (drive(p)?.entries ?? 0) > 0);
  if (!drivesReady || !userExists) roll.push(drivesStep(wanted.drivePaths, wanted.serviceUser, wanted.owner, adopt));
  if (unitChanges) roll.push(unitStep(wanted.unitText, wanted.unitSha256));
  const why = [
    ...(binaryChanges ? ['new binary'] : []),
    ...(envChanges ? ['environment (volumes, ports or credentials) changed'] : []),
    ...(unitChanges ? ['unit changed'] : []),
    ...(!binaryChanges && !envChanges && !unitChanges && !o.appliedCurrent ? ['not running the files on disk yet'] : []),
    ...(!o.active && o.appliedCurrent ? ['not running'] : []),
  ];
  if (why.length) roll.push(restartStep(wanted.apiPort, why.join('; ')));
  else if (!o.enabled) roll.push(enableStep());
  if (!why.length && o.stampMode && o.stampMode !== '600') roll.push(stampModeStep());
  return { host, stage: binaryChanges ? [fetchBinaryStep(wanted.url, wanted.sha256)] : [], writeEnv: envChanges, roll };
}

/** Plans every observed node, in pool order (the rollout order). */
export function planPool(hosts: readonly string[], observed: ReadonlyMap<string, NodeObservation>, wanted: PoolWanted): PoolPlan {
  const nodes: NodePlan[] = [];
  for (const host of hosts) {
    const o = observed.get(host);
    if (o) nodes.push(planNode(host, o, wanted));
  }
  return { nodes };
}

/** Deletion: stop and disable MinIO on the nodes where it runs for this pool (its env file names it). */
export function planStop(hosts: readonly string[], observed: ReadonlyMap<string, NodeObservation>, pool: string): PoolPlan {
  const nodes: NodePlan[] = [];
  for (const host of hosts) {
    const o = observed.get(host);
    if (o?.env?.pool === pool && (o.active || o.enabled))
      nodes.push({ host, stage: [], writeEnv: false, roll: [stopStep('the MinioPool was deleted')] });
  }
  return { nodes };
}

export function planIsEmpty(plan: PoolPlan): boolean {
  return plan.nodes.every((n) => n.stage.length === 0 && !n.writeEnv && n.roll.length === 0);
}

/** Step names for status: "step:host". */
export function pendingStepsOf(plan: PoolPlan): { name: string; description: string }[] {
  return plan.nodes.flatMap((n) => [
    ...n.stage.map((s) => ({ name: `${s.name}:${n.host}`, description: s.description })),
    ...(n.writeEnv ? [{ name: `env:${n.host}`, description: 'write /etc/default/minio (volumes, ports, root credentials)' }] : []),
    ...n.roll.map((s) => ({ name: `${s.name}:${n.host}`, description: s.description })),
  ]);
}
