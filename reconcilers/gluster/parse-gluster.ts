// Pure readers of `gluster --xml` output (GlusterFS 10.x, Debian bookworm). XML rather than the
// text tables: the text layout changes between releases and pads columns, while the XML names
// every field. Caveat learnt on the fleet: `gluster --xml` exits 0 even when the operation
// failed, so every reader checks <opRet> and mutating commands never use --xml.
import { elements, integer, text } from './xml.ts';

export class GlusterCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GlusterCliError';
  }
}

/** The CLI's own verdict: opRet 0, or the error string it gave. */
export function cliOutcome(xml: string): { ok: true } | { ok: false; error: string } {
  const ret = integer(xml, 'opRet');
  if (ret === 0) return { ok: true };
  const error = text(xml, 'opErrstr') || text(xml, 'output') || (ret === undefined ? 'no answer from gluster' : `gluster returned ${ret}`);
  return { ok: false, error };
}

export interface GlusterPeer {
  uuid: string;
  hostname: string;
  /** Every name the pool knows the peer by (the probed address first). */
  hostnames: string[];
  connected: boolean;
  /** "Peer in Cluster", "Accepted peer request", … */
  state: string;
}

/** `gluster --xml peer status`: the OTHER members of this host's pool. */
export function parsePeerStatus(xml: string): GlusterPeer[] {
  if (!cliOutcome(xml).ok) throw new GlusterCliError(`peer status: ${(cliOutcome(xml) as { error: string }).error}`);
  return elements(xml, 'peer').map((p) => {
    const hostname = text(p, 'hostname') ?? '';
    const names = elements(elements(p, 'hostnames')[0] ?? '', 'hostname')
      .map((h) => h.trim())
      .filter(Boolean);
    return {
      uuid: text(p, 'uuid') ?? '',
      hostname,
      hostnames: names.length ? names : [hostname],
      connected: text(p, 'connected') === '1',
      state: text(p, 'stateStr') ?? '',
    };
  });
}

export interface GlusterBrick {
  /** "host:/path" as gluster names it. */
  name: string;
  host: string;
  path: string;
  arbiter: boolean;
}

export interface GlusterVolumeInfo {
  name: string;
  /** The volume ID: the UUID glusterd also writes into each brick's trusted.glusterfs.volume-id. */
  id: string;
  /** Created, Started, Stopped. */
  state: string;
  /** Replicate, Distributed-Replicate, Disperse, Distributed-Disperse, Distribute. */
  typeStr: string;
  replicaCount: number;
  arbiterCount: number;
  disperseCount: number;
  redundancyCount: number;
  bricks: GlusterBrick[];
  options: Map<string, string>;
}

function splitBrick(name: string): { host: string; path: string } {
  const at = name.indexOf(':/');
  return at < 0 ? { host: name, path: '' } : { host: name.slice(0, at), path: name.slice(at + 1) };
}

/** `gluster --xml volume info VOL`: undefined when the volume does not exist. */
export function parseVolumeInfo(xml: string): GlusterVolumeInfo | undefined {
  const outcome = cliOutcome(xml);
  if (!outcome.ok) {
    if (/does not exist/i.test(outcome.error)) return undefined;
    throw new GlusterCliError(`volume info: ${outcome.error}`);
  }
  const volume = elements(xml, 'volume')[0];
  if (volume === undefined) return undefined;
  const options = new Map<string, string>();
  for (const o of elements(elements(volume, 'options')[0] ?? '', 'option')) {
    const name = text(o, 'name');
    if (name) options.set(name, text(o, 'value') ?? '');
  }
  return {
    name: text(volume, 'name') ?? '',
    id: text(volume, 'id') ?? '',
    state: text(volume, 'statusStr') ?? '',
    typeStr: text(volume, 'typeStr') ?? '',
    replicaCount: integer(volume, 'replicaCount') ?? 1,
    arbiterCount: integer(volume, 'arbiterCount') ?? 0,
    disperseCount: integer(volume, 'disperseCount') ?? 0,
    redundancyCount: integer(volume, 'redundancyCount') ?? 0,
    bricks: elements(volume, 'brick').map((b) => {
      const name = text(b, 'name') ?? '';
      return { name, ...splitBrick(name), arbiter: text(b, 'isArbiter') === '1' };
    }),
    options,
  };
}

export interface BrickProcess {
  host: string;
  path: string;
  online: boolean;
}

/** `gluster --xml volume status VOL`: brick processes (self-heal daemons left out). */
export function parseVolumeStatus(xml: string): BrickProcess[] {
  const outcome = cliOutcome(xml);
  // A stopped volume has no processes to report; gluster says so as an error.
  if (!outcome.ok) {
    if (/is not started|does not exist/i.test(outcome.error)) return [];
    throw new GlusterCliError(`volume status: ${outcome.error}`);
  }
  return elements(xml, 'node')
    .map((n) => ({ host: text(n, 'hostname') ?? '', path: text(n, 'path') ?? '', online: text(n, 'status') === '1' }))
    .filter((n) => n.path.startsWith('/'));
}

export interface HealSummary {
  /** Entries waiting for heal, split-brain or possibly healing, summed over reachable bricks. */
  pendingEntries: number;
  splitBrainEntries: number;
  /** Bricks the heal crawl could not reach ("Transport endpoint is not connected"). */
  unreachableBricks: string[];
}

/** `gluster --xml volume heal VOL info summary`. */
export function parseHealSummary(xml: string): HealSummary {
  const outcome = cliOutcome(xml);
  if (!outcome.ok) throw new GlusterCliError(`heal info: ${outcome.error}`);
  const summary: HealSummary = { pendingEntries: 0, splitBrainEntries: 0, unreachableBricks: [] };
  for (const b of elements(xml, 'brick')) {
    const total = integer(b, 'totalNumberOfEntries');
    if (text(b, 'status') !== 'Connected' || total === undefined) {
      summary.unreachableBricks.push(text(b, 'name') ?? '');
      continue;
    }
    summary.pendingEntries += total;
    summary.splitBrainEntries += integer(b, 'numberOfEntriesInSplitBrain') ?? 0;
  }
  return summary;
}

/** `gluster --xml volume rebalance VOL status`: the aggregate state, or undefined when none ran. */
export function parseRebalanceStatus(xml: string): string | undefined {
  if (!cliOutcome(xml).ok) return undefined;
  const aggregate = elements(xml, 'aggregate')[0];
  return aggregate === undefined ? undefined : text(aggregate, 'statusStr');
}

/** `UUID=…` from /var/lib/glusterd/glusterd.info. */
export function parseGlusterdUuid(info: string): string | undefined {
  return /^UUID=([0-9a-f-]{36})\s*$/m.exec(info)?.[1];
}
