// The MinioPool reconciler. Every reconcile observes each selected node once (in parallel), plans
// (pure), and only when the plan is not empty the engine stages the binary everywhere, then rolls
// the change through the nodes one at a time (see apply.ts). A converged pool costs exactly one
// exec per node. Deletion is in finalize.ts.
import type { ReconcileResult, Reconciler } from '../contract.ts';
import type { MinioPool, MinioPoolSpec, MinioPoolStatus, PiNode } from './types.ts';
import { minioVolumes } from './volumes.ts';
import { renderEnvFile, renderUnit, sha256, type RootCredentials } from './render.ts';
import { credentialsFrom } from './credentials.ts';
import { pendingStepsOf, planPool, rootFilesystemDrives, type PoolPlan, type PoolWanted } from './plan.ts';
import { poolPhases, restartedIn } from './apply.ts';
import { poolFigures, statusWith } from './status.ts';
import { dataPathProblem } from '../../crds/data-path.ts';
import { ownerOf, type Owner } from '../shared/owner.ts';
import { collisionRefusal, serviceUserProblem } from './ownership.ts';
import { layoutRefusal, recordOf } from './record.ts';
import { driftCheckIntervalMs, notReady, retryPolicy } from '../shared/not-ready.ts';
import { createKindReconciler, stop, type EngineOptions, type Kind, type KindPlan, type Stages } from '../shared/engine.ts';
import { observeMembers, selectedNodes, type Members } from './members.ts';
import { deleteStages } from './finalize.ts';

export { driftCheckIntervalMs, retryPolicy } from '../shared/not-ready.ts';
export { observeTimeoutMs } from './members.ts';

export const minioFinalizer = 'bramble.dev/minio-cleanup';
/** After a rollout: re-observe soon, so status reports the cluster's health with the change. */
export const settleDelayMs = 3_000;

type Status = MinioPoolStatus;

function heldByPause(plan: PoolPlan, members: Members['members']): { plan: PoolPlan; held: string[] } {
  const paused = new Set(members.filter((m) => m.node.spec.paused === true).map((m) => m.name));
  const held = plan.nodes.filter((n) => paused.has(n.host) && (n.stage.length || n.writeEnv || n.roll.length)).map((n) => n.host);
  return { plan: { nodes: plan.nodes.filter((n) => !paused.has(n.host)) }, held };
}

interface Validated {
  owner: Owner;
  selected: PiNode[];
  loginUsers: Set<string>;
  credentials: RootCredentials;
}

interface Looked extends Validated {
  m: Members;
}

interface Planned extends KindPlan<Status> {
  figures: Partial<Status>;
  owned: Status['owned'];
  held: string[];
  pending: { name: string; description: string }[];
}

const portsOf = (spec: MinioPoolSpec) => ({
  apiPort: spec.ports?.api ?? 9000,
  consolePort: spec.ports?.console ?? 9001,
  serviceUser: spec.serviceUser ?? 'minio-user',
});

/** Reconcile's four functions (engine.ts). */
const reconcileStages: Stages<MinioPool, Status, ReconcileResult<Status>, Validated, Looked, Planned> = {
  validate(run) {
    const { obj, ctx } = run;
    const spec = obj.spec;
    const { serviceUser } = portsOf(spec);
    if (spec.drivePaths.length !== (spec.drivesPerNode ?? 1)) {
      return stop(
        notReady(run, 'InvalidSpec', `drivePaths lists ${spec.drivePaths.length} paths but drivesPerNode is ${spec.drivesPerNode ?? 1}`, {
          stalled: true,
        }),
      );
    }
    const systemPaths = spec.drivePaths.flatMap((p) => dataPathProblem(p) ?? []);
    if (systemPaths.length)
      return stop(notReady(run, 'SystemPath', `spec.drivePaths: ${systemPaths.join('; ')}; nothing was sent to any Pi`, { stalled: true }));
    const owner = ownerOf(obj);
    if (!owner)
      return stop(
        notReady(run, 'NoUid', 'the object has no metadata.uid to mark its drives with; nothing was sent to any Pi', { stalled: true }),
      );
    const selected = selectedNodes(run);
    const loginUsers = new Set(selected.flatMap((n) => [n.spec.ssh.user, ...(n.spec.users ?? []).map((u) => u.name)]));
    const userProblem = serviceUserProblem(serviceUser, loginUsers, new Map());
    if (userProblem)
      return stop(
        notReady(run, 'ServiceUserRefused', `${userProblem}; nothing was sent to any Pi: choose a system user such as minio-user`, {
          stalled: true,
        }),
      );
    const layout = layoutRefusal(
      obj.status?.owned,
      selected.map((n) => ({ name: n.metadata.name, address: n.spec.address })),
      spec.drivePaths,
    );
    if (layout) return stop(notReady(run, layout.reason, layout.message, { stalled: true }));
    const creds = credentialsFrom(ctx.view, obj.metadata.namespace, spec.credentialsSecretRef.name);
    if (!creds.ok) return stop(notReady(run, creds.reason, creds.message, { stalled: creds.reason === 'CredentialsSecretInvalid' }));
    return { owner, selected, loginUsers, credentials: creds.credentials };
  },

  async observe(run, v) {
    const m = await observeMembers(run, v.selected);
    if (m.members.length === 0)
      return stop(
        notReady(run, 'NoNodesSelected', 'the nodeSelector selects no PiNode', {
          rest: { nodesTotal: 0, nodesOnline: 0, drivesTotal: 0, drivesOnline: 0 },
        }),
      );
    // Not one node could be asked (e.g. the SSH key Secret is gone): nothing is known of MinIO's
    // health, so say that rather than report servers that may well be serving as offline.
    if (m.observed.size === 0 && m.failures.length > 0) {
      return stop(notReady(run, 'NodesNotObserved', `no node could be observed (MinIO may still be serving): ${m.failures.join('; ')}`));
    }
    return { ...v, m };
  },

  plan(run, { owner, loginUsers, credentials, m }) {
    const { obj } = run;
    const { namespace, name } = obj.metadata;
    const spec = obj.spec;
    const { apiPort, consolePort, serviceUser } = portsOf(spec);
    const figures: Partial<Status> = poolFigures(m.members, m.observed, spec.drivePaths, apiPort);
    const owned = recordOf({
      previous: obj.status?.owned,
      self: owner,
      members: m.members,
      observed: m.observed,
      drivePaths: spec.drivePaths,
    });
    if (owned) figures.owned = owned;
    const observedUserProblem = serviceUserProblem(serviceUser, loginUsers, m.observed);
    if (observedUserProblem)
      return stop(
        notReady(run, 'ServiceUserRefused', `${observedUserProblem}; nothing was changed: choose a system user such as minio-user`, {
          stalled: true,
          rest: figures,
        }),
      );
    const collision = collisionRefusal({
      self: owner,
      drivePaths: spec.drivePaths,
      observed: m.observed,
      recordedDeploymentId: owned?.deploymentId,
    });
    if (collision) return stop(notReady(run, collision.reason, collision.message, { stalled: true, rest: figures }));
    const onRoot = [...m.observed].flatMap(([host, o]) =>
      rootFilesystemDrives(o, { allowRootFilesystem: spec.allowRootFilesystem ?? false }).map((p) => `${host}:${p}`),
    );
    if (onRoot.length) {
      return stop(
        notReady(run, 'DriveOnRootFilesystem', `drives on the root filesystem (set allowRootFilesystem to allow): ${onRoot.join(', ')}`, {
          stalled: true,
          rest: figures,
        }),
      );
    }
    const volumes = minioVolumes(
      m.members.map((x) => x.address),
      apiPort,
      spec.drivePaths,
    );
    const envText = renderEnvFile({ pool: `${namespace}/${name}`, volumes, apiPort, consolePort, credentials });
    const unitText = renderUnit(`${namespace}/${name}`, serviceUser);
    const wanted: PoolWanted = {
      url: spec.source.url,
      sha256: spec.source.sha256,
      envSha256: sha256(envText),
      unitText,
      unitSha256: sha256(unitText),
      serviceUser,
      drivePaths: spec.drivePaths,
      apiPort,
      allowRootFilesystem: spec.allowRootFilesystem ?? false,
      owner,
    };
    const full = planPool(
      m.members.map((x) => x.name),
      m.observed,
      wanted,
    );
    const { plan, held } = heldByPause(full, m.members);
    const pending = pendingStepsOf(full).slice(0, 128);
    return {
      targets: m.targets,
      secrets: [credentials.password],
      eventHostOrder: 'as-applied',
      phases: poolPhases(plan, envText),
      bootGate: { hosts: m.observed, rest: { ...figures, pendingSteps: pending } },
      unobserved: m.failures,
      figures,
      owned,
      held,
      pending,
    };
  },

  report(run, { owner, m }, { figures, owned, held, pending }, outcome) {
    const spec = run.obj.spec;
    const rest: Partial<Status> = { ...figures };
    // Drives marked just now are recorded now: a delete before the next observe still finds them.
    const prepared = outcome.applied.filter((a) => a.step.name === 'drives').map((a) => a.host);
    const recorded = recordOf({
      previous: owned,
      self: owner,
      members: m.members,
      observed: m.observed,
      drivePaths: spec.drivePaths,
      prepared,
    });
    if (recorded) rest.owned = recorded;

    if (outcome.failure) {
      const f = outcome.failure;
      const mismatch = f.step === 'fetch-binary' && /sha256 mismatch/.test(f.message);
      const reason = mismatch ? 'ChecksumMismatch' : 'StepFailed';
      return notReady(run, reason, `step ${f.step} on ${f.host} failed: ${f.message}${mismatch ? ' (nothing was installed)' : ''}`, {
        stalled: true,
        rest: { ...rest, pendingSteps: pending },
      });
    }
    if (outcome.applied.length > 0) {
      const restarted = restartedIn(outcome);
      const message = restarted.length ? `rolled out node by node: ${restarted.join(', ')}` : `${outcome.applied.length} change(s) applied`;
      const status = statusWith(run.sctx, { ready: ['False', 'RollingOut', message], reconciling: ['RollingOut', message] }, rest);
      return { status, events: run.events, requeueAfterMs: settleDelayMs };
    }
    if (held.length)
      return notReady(run, 'NodesPaused', `paused PiNodes have changes waiting: ${held.join(', ')}`, {
        rest: { ...rest, pendingSteps: pending },
      });
    const offline = m.members.filter((x) => m.observed.get(x.name)?.live !== 200).map((x) => x.name);
    const unreachable = m.failures.length ? `; unreachable: ${m.failures.join('; ')}` : '';
    if (figures.health !== 'Healthy') {
      const why = figures.health === 'NoWriteQuorum' ? 'MinIO reports no write quorum' : 'no node answers /minio/health/cluster';
      return notReady(
        run,
        figures.health === 'NoWriteQuorum' ? 'NoWriteQuorum' : 'Unreachable',
        `${why}; offline: ${offline.join(', ') || 'none'}${unreachable}`,
        { rest },
      );
    }
    const message = `write quorum; ${figures.nodesOnline}/${figures.nodesTotal} nodes, ${figures.drivesOnline}/${figures.drivesTotal} drives online${offline.length ? `; offline: ${offline.join(', ')}` : ''}${unreachable}`;
    const status = statusWith(run.sctx, { ready: ['True', 'MinioHealthy', message] }, rest);
    return { status, events: run.events, requeueAfterMs: offline.length ? retryPolicy.minMs : driftCheckIntervalMs };
  },
};

export const minioPoolKind: Kind<MinioPoolSpec, MinioPoolStatus> = {
  kind: 'MinioPool',
  finalizer: minioFinalizer,
  reconcile: reconcileStages,
  finalize: deleteStages,
};

export function createMinioPoolReconciler(options: EngineOptions = {}): Reconciler<MinioPoolSpec, MinioPoolStatus> {
  return createKindReconciler(minioPoolKind, options);
}

export const minioPoolReconciler = createMinioPoolReconciler();
