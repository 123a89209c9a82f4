// The status a GlusterVolume reports, from what Gluster itself said. Pure.
import { brickName, type DesiredVolume } from './layout.ts';
import type { HostObservation } from './parse-observed.ts';
import { isOwnMount } from './own-mounts.ts';
import type { GlusterBrickStatus, GlusterVolumeStatus } from './types.ts';
import type { StatusContext as SharedStatusContext } from '../shared/status-verdict.ts';

export type StatusContext = SharedStatusContext<GlusterVolumeStatus>;
export { conditionsFor, statusWith, type Verdict } from '../shared/status-verdict.ts';

export interface Health {
  /** The observed figures for status. */
  fields: Partial<GlusterVolumeStatus>;
  /** Why the volume is not Ready, one phrase each; empty when it is. */
  problems: string[];
}

/** Bricks online, heal, peers and mounts as Gluster and the hosts report them. */
export function healthOf(
  desired: DesiredVolume,
  hosts: ReadonlyMap<string, HostObservation>,
  primary: string | undefined,
  unreachable: readonly string[],
): Health {
  const p = primary ? hosts.get(primary) : undefined;
  const vol = p?.volume;
  const problems: string[] = [];
  const fields: Partial<GlusterVolumeStatus> = { volumeName: desired.name };
  if (!vol?.info) {
    problems.push(vol?.error ? `gluster did not answer: ${vol.error}` : `volume ${desired.name} does not exist yet`);
    return { fields, problems: [...problems, ...unreachable.map((u) => `unreachable: ${u}`)] };
  }
  const byAddress = new Map(desired.bricks.map((b) => [brickName(b), b.node] as const));
  const online = new Set(vol.processes.filter((x) => x.online).map((x) => `${x.host}:${x.path}`));
  const bricks: GlusterBrickStatus[] = vol.info.bricks.map((b) => ({
    node: byAddress.get(b.name) ?? b.host,
    path: b.path,
    online: online.has(b.name),
  }));
  fields.volumeState = vol.info.state;
  fields.bricks = bricks;
  fields.bricksTotal = bricks.length;
  fields.bricksOnline = bricks.filter((b) => b.online).length;
  const peers = p?.peers ?? [];
  const neededAddresses = new Set(desired.bricks.filter((b) => b.node !== primary).map((b) => b.address));
  const needed = peers.filter((x) => x.hostnames.some((h) => neededAddresses.has(h)));
  fields.peersTotal = neededAddresses.size + 1;
  fields.peersConnected = needed.filter((x) => x.connected).length + 1;
  if (vol.heal) fields.healPendingEntries = vol.heal.pendingEntries;
  if (vol.rebalance) fields.rebalance = vol.rebalance;
  const path = desired.mountPath;
  const mounted = path
    ? desired.mounts.filter((m) => isOwnMount(hosts.get(m.node)?.mounts.get(path)?.mounted, desired.name)).map((m) => m.node)
    : [];
  fields.mountedNodes = mounted.sort();

  if (vol.info.state !== 'Started') problems.push(`volume ${desired.name} is ${vol.info.state || 'not started'}`);
  for (const b of bricks) if (!b.online) problems.push(`brick ${b.node}:${b.path} is offline`);
  if (vol.heal && vol.heal.pendingEntries > 0) {
    problems.push(
      `${vol.heal.pendingEntries} entries pending heal${vol.heal.splitBrainEntries ? ` (${vol.heal.splitBrainEntries} in split-brain)` : ''}`,
    );
  }
  if (!vol.heal && desired.spec.type !== 'Distribute' && vol.info.state === 'Started') problems.push('heal state unknown');
  const notMounted = desired.mountPath ? desired.mounts.map((m) => m.node).filter((n) => !mounted.includes(n) && hosts.has(n)) : [];
  if (notMounted.length) problems.push(`not mounted on ${notMounted.join(', ')}`);
  for (const u of unreachable) problems.push(`unreachable: ${u}`);
  return { fields, problems };
}
