// Observes the hosts of one volume: one exec per host, in parallel. The first brick host also
// asks gluster about the volume; when it cannot be observed, or its glusterd cannot say, the next
// brick host is asked (one more exec). What to look at — the brick directories and mount points
// per host — comes from the spec (reconcile) or from the record in status (delete).
import type { SshTarget } from '../../ssh/executor.ts';
import { secretTargetsOf } from '../shared/secret-target.ts';
import { observeHost, observeHosts, whyUnobserved, type HostObserve } from '../shared/observe-hosts.ts';
import { glusterObserveScript, type ObserveRequest } from './observe-script.ts';
import { parseHostObservation, type HostObservation } from './parse-observed.ts';
import type { PiNode } from './types.ts';
import type { VolumeRun } from './volume-run.ts';

export const observeTimeoutMs = 120_000;

export interface ObserveScope {
  volume: string;
  /** Brick directories by PiNode name, in brick order (the primary is the first that answers). */
  bricks: readonly { node: string; dir: string }[];
  mounts: readonly { node: string; path: string }[];
}

export interface Observed {
  targets: Map<string, SshTarget>;
  /** Observations by PiNode name; hosts that could not be observed are absent. */
  hosts: Map<string, HostObservation>;
  /** The brick host that reported the volume, when one did. */
  primary?: string;
  /** "node: why" for each host that could not be observed (a PiNode that is gone included). */
  unreachable: string[];
}

function glusterObserve(request: ObserveRequest): HostObserve<HostObservation> {
  return { script: (nonce) => glusterObserveScript(request, nonce), parse: parseHostObservation, timeoutMs: observeTimeoutMs };
}

export async function observe(run: VolumeRun, scope: ObserveScope): Promise<Observed> {
  const { obj, ctx } = run;
  const ns = obj.metadata.namespace;
  const names = [...new Set([...scope.bricks.map((b) => b.node), ...scope.mounts.map((m) => m.node)])];
  const nodes = names.map((name) => [name, ctx.view.get<PiNode>('PiNode', ns, name)] as const);
  const { targets, failures } = secretTargetsOf(
    nodes.flatMap(([, node]) => (node ? [node] : [])),
    ctx.view,
  );
  const unreachable = [...nodes.filter(([, node]) => !node).map(([name]) => `${name}: PiNode not found`), ...failures];
  const requestFor = (name: string, primary: boolean): ObserveRequest => ({
    brickDirs: scope.bricks.filter((b) => b.node === name).map((b) => b.dir),
    ...(primary ? { volume: scope.volume } : {}),
    mountPaths: scope.mounts.filter((m) => m.node === name).map((m) => m.path),
  });
  const candidates = [...new Set(scope.bricks.map((b) => b.node))].filter((n) => targets.has(n));
  const firstPrimary = candidates[0];
  const first = await observeHosts(run, targets, (name) => glusterObserve(requestFor(name, name === firstPrimary)));
  const hosts = first.observed;
  const failed = new Set([...targets.keys()].filter((name) => !hosts.has(name)));
  unreachable.push(...first.failures);
  // A host whose glusterd is stopped can still lead: the plan starts glusterd before anything else.
  const answers = (obs: HostObservation | undefined) => obs?.volume !== undefined && (!obs.volume.error || !obs.glusterd.active);
  let primary = firstPrimary !== undefined && answers(hosts.get(firstPrimary)) ? firstPrimary : undefined;
  for (const name of candidates.slice(1)) {
    if (primary || failed.has(name)) continue;
    const target = targets.get(name);
    if (!target) continue;
    try {
      const obs = await observeHost(run, target, glusterObserve(requestFor(name, true)));
      hosts.set(name, obs);
      if (answers(obs)) primary = name;
    } catch (error) {
      failed.add(name);
      hosts.delete(name);
      unreachable.push(`${name}: ${whyUnobserved(error)}`);
    }
  }
  return { targets, hosts, ...(primary ? { primary } : {}), unreachable: unreachable.sort() };
}
