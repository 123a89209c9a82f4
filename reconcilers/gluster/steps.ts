// The steps a GlusterVolume plan is made of. Each command checks, changes, then verifies, and
// every value reaches the shell through shellQuote (via `sh`). Mutating gluster calls run with
// --mode=script (no y/n prompts) and WITHOUT --xml: with --xml gluster exits 0 on failure.
import { raw, sh } from '../../ssh/quote.ts';
import { failFunction, replaceFileFunction } from '../shared/shell-snippets.ts';
import type { Step } from '../shared/step.ts';
import { brickName, type BrickHost } from './layout.ts';
import type { GlusterVolumeSpec } from './types.ts';

const glusterTimeoutMs = 120_000;
const installTimeoutMs = 15 * 60_000;
/** How long a probed peer may take to show up as connected before the step gives up. */
const peerWaitSeconds = 60;

function step(name: string, description: string, lines: string[], eventReason: string, timeoutMs = glusterTimeoutMs): Step {
  return { name, description, command: [failFunction, ...lines].join('\n'), mutating: true, timeoutMs, eventReason };
}

export function glusterdStep(): Step {
  return step('glusterd', 'enable and start glusterd', [
    'systemctl enable -q glusterd || fail "cannot enable glusterd"',
    'systemctl start glusterd || fail "cannot start glusterd"',
    'systemctl is-active -q glusterd || fail "glusterd is not running after start"',
    // The CLI answers only once glusterd listens; later steps need it.
    'i=0; until gluster --mode=script pool list >/dev/null 2>&1; do i=$((i+1)); [ $i -gt 30 ] && fail "glusterd does not answer"; sleep 1; done',
  ], 'GlusterdStarted');
}

export function brickDirStep(dir: string): Step {
  return step('brick-dir', `create brick directory ${dir}`, [
    sh`[ -d ${dir} ] && exit 0`,
    sh`mkdir -p -m 0755 ${dir} || fail ${`cannot create ${dir}`}`,
  ], 'BrickDirectoryCreated');
}

export function peerProbeStep(addresses: readonly string[]): Step {
  return step('peer-probe', `probe ${addresses.join(', ')} into the trusted pool`, [
    sh`for a in ${addresses}; do gluster --mode=script peer probe "$a" || fail "peer probe $a failed"; done`,
    // Probing returns before the peer is "Peer in Cluster" and connected; volume create needs both.
    sh`for a in ${addresses}; do i=0; until gluster peer status | grep -A2 -x "Hostname: $a" | grep -q 'State: Peer in Cluster (Connected)'; do i=$((i+1)); [ $i -gt ${peerWaitSeconds} ] && fail "peer $a did not connect"; sleep 1; done; done`,
  ], 'PeersProbed');
}

function layoutArgs(spec: GlusterVolumeSpec): string[] {
  if (spec.type === 'Replicate') return ['replica', String(spec.replica ?? 2), ...(spec.arbiter ? ['arbiter', String(spec.arbiter)] : [])];
  if (spec.type === 'Disperse') return ['disperse', String(spec.disperse ?? 3), ...(spec.redundancy ? ['redundancy', String(spec.redundancy)] : [])];
  return [];
}

export function volumeCreateStep(volume: string, spec: GlusterVolumeSpec, bricks: readonly BrickHost[], force: boolean): Step {
  const names = bricks.map(brickName);
  const why = force ? ' (force: bricks on the root filesystem, allowed by spec)' : '';
  return step('volume-create', `create ${spec.type} volume ${volume} with ${bricks.length} bricks${why}`, [
    sh`gluster volume info ${volume} >/dev/null 2>&1 && exit 0`,
    sh`gluster --mode=script volume create ${volume} ${layoutArgs(spec)} transport tcp ${names}${raw(force ? ' force' : '')} || fail ${`volume create ${volume} failed`}`,
  ], 'VolumeCreated');
}

export function volumeStartStep(volume: string): Step {
  return step('volume-start', `start volume ${volume}`, [
    sh`gluster volume info ${volume} | grep -qx 'Status: Started' && exit 0`,
    sh`gluster --mode=script volume start ${volume} || fail ${`volume start ${volume} failed`}`,
  ], 'VolumeStarted');
}

export function volumeOptionsStep(volume: string, options: readonly { name: string; value: string }[]): Step {
  return step('volume-options', `set ${options.map((o) => `${o.name}=${o.value}`).join(', ')}`,
    options.map((o) => sh`gluster --mode=script volume set ${volume} ${o.name} ${o.value} || fail ${`volume set ${o.name} failed`}`),
    'VolumeOptionsSet');
}

export function addBricksStep(volume: string, spec: GlusterVolumeSpec, bricks: readonly BrickHost[], force: boolean): Step {
  const names = bricks.map(brickName);
  const layout = spec.type === 'Replicate' ? ['replica', String(spec.replica ?? 2)] : [];
  return step('add-bricks', `add ${names.join(', ')} to ${volume}`, [
    sh`all=1; for b in ${names}; do gluster volume info ${volume} | grep -q ": $b\$" || all=0; done; [ $all = 1 ] && exit 0`,
    sh`gluster --mode=script volume add-brick ${volume} ${layout} ${names}${raw(force ? ' force' : '')} || fail ${`add-brick to ${volume} failed`}`,
  ], 'BricksAdded');
}

export function rebalanceStep(volume: string): Step {
  return step('rebalance', `start a rebalance of ${volume} after expansion`, [
    sh`gluster --mode=script volume rebalance ${volume} start || fail ${`rebalance of ${volume} did not start`}`,
  ], 'RebalanceStarted');
}

export function clientStep(): Step {
  return step('glusterfs-client', 'install glusterfs-client (mount.glusterfs)', [
    'export DEBIAN_FRONTEND=noninteractive',
    'inst() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 glusterfs-client; }',
    'inst || { apt-get update -q -o DPkg::Lock::Timeout=300 && inst; } || fail "apt-get install glusterfs-client failed"',
    'command -v mount.glusterfs >/dev/null || [ -x /sbin/mount.glusterfs ] || fail "mount.glusterfs is still missing"',
  ], 'GlusterClientInstalled', installTimeoutMs);
}

/** Makes `line` the only fstab entry for `mountPath`, keeping every other line as it was. */
export function fstabStep(mountPath: string, line: string): Step {
  return step('fstab', `fstab entry for ${mountPath}: ${line}`, [
    replaceFileFunction,
    sh`awk -v p=${mountPath} -v l=${line} 'BEGIN{n=0} $1 !~ /^#/ && $2 == p { if ($0 == l) n++; else bad=1 } END{exit (n==1 && !bad) ? 0 : 1}' /etc/fstab && exit 0`,
    sh`{ awk -v p=${mountPath} '$1 ~ /^#/ || $2 != p' /etc/fstab; printf '%s\\n' ${line}; } | replace_file /etc/fstab 0644 root:root || fail "cannot write /etc/fstab"`,
  ], 'FstabWritten');
}

export function mountStep(mountPath: string): Step {
  return step('mount', `mount ${mountPath}`, [
    sh`findmnt -n -t fuse.glusterfs --mountpoint ${mountPath} >/dev/null && exit 0`,
    sh`mkdir -p ${mountPath} || fail ${`cannot create ${mountPath}`}`,
    sh`mount ${mountPath} || fail ${`mount ${mountPath} failed`}`,
    sh`findmnt -n -t fuse.glusterfs --mountpoint ${mountPath} >/dev/null || fail ${`${mountPath} is not a glusterfs mount after mount`}`,
  ], 'VolumeMounted');
}

export function unmountStep(mountPath: string): Step {
  return step('unmount', `unmount ${mountPath} and remove its fstab entry`, [
    replaceFileFunction,
    sh`if findmnt -n --mountpoint ${mountPath} >/dev/null; then umount ${mountPath} || fail ${`umount ${mountPath} failed (in use?)`}; fi`,
    sh`awk -v p=${mountPath} '$1 !~ /^#/ && $2 == p {f=1} END{exit f?0:1}' /etc/fstab || exit 0`,
    sh`awk -v p=${mountPath} '$1 ~ /^#/ || $2 != p' /etc/fstab | replace_file /etc/fstab 0644 root:root || fail "cannot write /etc/fstab"`,
  ], 'VolumeUnmounted');
}

export function volumeDeleteStep(volume: string): Step {
  return step('volume-delete', `stop and delete volume ${volume}`, [
    sh`gluster volume info ${volume} >/dev/null 2>&1 || exit 0`,
    sh`if gluster volume info ${volume} | grep -qx 'Status: Started'; then gluster --mode=script volume stop ${volume} force || fail ${`volume stop ${volume} failed`}; fi`,
    sh`gluster --mode=script volume delete ${volume} || fail ${`volume delete ${volume} failed`}`,
  ], 'VolumeDeleted');
}

export function brickRemoveStep(dir: string): Step {
  return step('brick-remove', `remove brick directory ${dir} and its data`, [
    sh`[ -e ${dir} ] || exit 0`,
    sh`rm -rf -- ${dir} || fail ${`cannot remove ${dir}`}`,
  ], 'BrickDirectoryRemoved');
}
