// The steps a GlusterVolume plan is made of. Each command checks, changes, then verifies, and
// every value reaches the shell through shellQuote (via `sh`). Mutating gluster calls run with
// --mode=script (no y/n prompts) and WITHOUT --xml: with --xml gluster exits 0 on failure. Steps
// that remove or replace something check again on the Pi, just before, that it is bramble's own
// (the plan checked the observation; this closes the gap between observe and apply).
import { raw, sh } from '../../ssh/quote.ts';
import { failFunction } from '../shared/shell-snippets.ts';
import type { Step } from '../shared/step.ts';
import { brickName, type BrickHost } from './layout.ts';
import { ownerOption, ownerOptions, type Owner } from './ownership.ts';
import type { GlusterVolumeSpec } from './types.ts';

const glusterTimeoutMs = 120_000;
/** How long a probed peer may take to show up as connected before the step gives up. */
const peerWaitSeconds = 60;

export function glusterStep(name: string, description: string, lines: string[], eventReason: string, timeoutMs = glusterTimeoutMs): Step {
  return { name, description, command: [failFunction, ...lines].join('\n'), mutating: true, timeoutMs, eventReason };
}

export function glusterdStep(): Step {
  return glusterStep(
    'glusterd',
    'enable and start glusterd',
    [
      'systemctl enable -q glusterd || fail "cannot enable glusterd"',
      'systemctl start glusterd || fail "cannot start glusterd"',
      'systemctl is-active -q glusterd || fail "glusterd is not running after start"',
      // The CLI answers only once glusterd listens; later steps need it.
      'i=0; until gluster --mode=script pool list >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 30 ] && fail "glusterd does not answer"; sleep 1; done',
    ],
    'GlusterdStarted',
  );
}

/** The directory Gluster creates brick `dir` in: `volume create` makes only the last level. */
export function brickParentStep(dir: string): Step {
  const parent = dir.replace(/\/[^/]+$/, '') || '/';
  return glusterStep(
    'brick-parent',
    `create ${parent} (Gluster creates the brick directory ${dir} in it)`,
    [sh`[ -d ${parent} ] && exit 0`, sh`mkdir -p -m 0755 ${parent} || fail ${`cannot create ${parent}`}`],
    'BrickDirectoryCreated',
  );
}

export function peerProbeStep(addresses: readonly string[]): Step {
  return glusterStep(
    'peer-probe',
    `probe ${addresses.join(', ')} into the trusted pool`,
    [
      sh`for a in ${addresses}; do gluster --mode=script peer probe "$a" || fail "peer probe $a failed"; done`,
      // Probing returns before the peer is "Peer in Cluster" and connected; volume create needs both.
      sh`for a in ${addresses}; do i=0; until gluster peer status | grep -A2 -x "Hostname: $a" | grep -q 'State: Peer in Cluster (Connected)'; do i=$((i+1)); [ $i -gt ${peerWaitSeconds} ] && fail "peer $a did not connect"; sleep 1; done; done`,
    ],
    'PeersProbed',
  );
}

function layoutArgs(spec: GlusterVolumeSpec): string[] {
  if (spec.type === 'Replicate') return ['replica', String(spec.replica ?? 2), ...(spec.arbiter ? ['arbiter', String(spec.arbiter)] : [])];
  if (spec.type === 'Disperse')
    return ['disperse', String(spec.disperse ?? 3), ...(spec.redundancy ? ['redundancy', String(spec.redundancy)] : [])];
  return [];
}

const ownerPairs = (owner: Owner) => ownerOptions(owner).flatMap((o) => [o.name, o.value]);

/**
 * Creates the volume and marks it as `owner`'s in the same step. A volume of that name that
 * appeared since the observe is left alone (the next observe refuses it unless it is ours).
 */
export function volumeCreateStep(
  volume: string,
  spec: GlusterVolumeSpec,
  bricks: readonly BrickHost[],
  force: boolean,
  owner: Owner,
): Step {
  const names = bricks.map(brickName);
  const why = force ? ' (force: bricks on the root filesystem, allowed by spec)' : '';
  return glusterStep(
    'volume-create',
    `create ${spec.type} volume ${volume} with ${bricks.length} bricks${why}, marked as ${owner.name}'s`,
    [
      sh`gluster volume info ${volume} >/dev/null 2>&1 && exit 0`,
      sh`gluster --mode=script volume create ${volume} ${layoutArgs(spec)} transport tcp ${names}${raw(force ? ' force' : '')} || fail ${`volume create ${volume} failed`}`,
      sh`gluster --mode=script volume set ${volume} ${ownerPairs(owner)} || fail ${`volume ${volume} created, but marking it as ${owner.name}'s failed`}`,
    ],
    'VolumeCreated',
  );
}

/** Marks a volume this resource's status records, converged before bramble marked volumes. */
export function ownerMarkStep(volume: string, owner: Owner): Step {
  return glusterStep(
    'volume-owner',
    `mark volume ${volume} as ${owner.name}'s (${ownerOption}), recorded in its status before markers existed`,
    [sh`gluster --mode=script volume set ${volume} ${ownerPairs(owner)} || fail ${`marking volume ${volume} failed`}`],
    'VolumeAdopted',
  );
}

export function volumeStartStep(volume: string): Step {
  return glusterStep(
    'volume-start',
    `start volume ${volume}`,
    [
      sh`gluster volume info ${volume} | grep -qx 'Status: Started' && exit 0`,
      sh`gluster --mode=script volume start ${volume} || fail ${`volume start ${volume} failed`}`,
    ],
    'VolumeStarted',
  );
}

export function volumeOptionsStep(volume: string, options: readonly { name: string; value: string }[]): Step {
  return glusterStep(
    'volume-options',
    `set ${options.map((o) => `${o.name}=${o.value}`).join(', ')}`,
    options.map((o) => sh`gluster --mode=script volume set ${volume} ${o.name} ${o.value} || fail ${`volume set ${o.name} failed`}`),
    'VolumeOptionsSet',
  );
}

export function addBricksStep(volume: string, spec: GlusterVolumeSpec, bricks: readonly BrickHost[], force: boolean): Step {
  const names = bricks.map(brickName);
  const layout = spec.type === 'Replicate' ? ['replica', String(spec.replica ?? 2)] : [];
  return glusterStep(
    'add-bricks',
    `add ${names.join(', ')} to ${volume}`,
    [
      sh`all=1; for b in ${names}; do gluster volume info ${volume} | grep -q ": $b\$" || all=0; done; [ $all = 1 ] && exit 0`,
      sh`gluster --mode=script volume add-brick ${volume} ${layout} ${names}${raw(force ? ' force' : '')} || fail ${`add-brick to ${volume} failed`}`,
    ],
    'BricksAdded',
  );
}

export function rebalanceStep(volume: string): Step {
  return glusterStep(
    'rebalance',
    `start a rebalance of ${volume} after expansion`,
    [sh`gluster --mode=script volume rebalance ${volume} start || fail ${`rebalance of ${volume} did not start`}`],
    'RebalanceStarted',
  );
}
