// Observes the hosts of one volume: one exec per host, in parallel. The first brick host also
// asks gluster about the volume; when it cannot be observed, or its glusterd cannot say, the next
// brick host is asked (one more exec). What to look at — the brick directories and mount points
// per host — comes from the spec (reconcile) or from the record in status (delete).
import type { SshTarget } from '../../ssh/executor.ts';
import { secretTargetFor } from '../shared/secret-target.ts';
import { execObserve } from '../shared/observe-exec.ts';
import { whyUnobserved } from '../shared/observe-hosts.ts';
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

async function observeHost(run: VolumeRun, target: SshTarget, request: ObserveRequest): Promise<HostObservation> {
  const nonce = run.nonce();
  const exec = await execObserve(run.ctx.executor, target, glusterObserveScript(request, nonce), observeTimeoutMs);
  return parseHostObservation(exec.stdout, nonce);
}

export async function observe(run: VolumeRun, scope: ObserveScope): Promise<Observed> {
  const { obj, ctx } = run;
  const ns = obj.metadata.namespace;
  const unreachable: string[] = [];
  const targets = new Map<string, SshTarget>();
  const names = [...new Set([...scope.bricks.map((b) => b.node), ...scope.mounts.map((m) => m.node)])];
  for (const name of names) {
    const node = ctx.view.get<PiNode>('PiNode', ns, name);
    const t = node ? secretTargetFor(node, ctx.view) : { ok: false as const, message: 'PiNode not found' };
    if (t.ok) targets.set(name, t.target);
    else unreachable.push(`${name}: ${t.message}`);
  }
  const requestFor = (name: string, primary: boolean): ObserveRequest => ({
    brickDirs: scope.bricks.filter((b) => b.node === name).map((b) => b.dir),
    ...(primary ? { volume: scope.volume } : {}),
    mountPaths: scope.mounts.filter((m) => m.node === name).map((m) => m.path),
  });
  const hosts = new Map<string, HostObservation>();
  const failed = new Set<string>();
  const candidates = [...new Set(scope.bricks.map((b) => b.node))].filter((n) => targets.has(n));
  const firstPrimary = candidates[0];
  await Promise.all([...targets].map(async ([name, target]) => {
    try {
      hosts.set(name, await observeHost(run, target, requestFor(name, name === firstPrimary)));
    } catch (error) {
      failed.add(name);
      unreachable.push(`${name}: ${whyUnobserved(error)}`);
    }
  }));
  // A host whose glusterd is stopped can still lead: the plan starts glusterd before anything else.
  const answers = (obs: HostObservation | undefined) => obs?.volume !== undefined && (!obs.volume.error || !obs.glusterd.active);
  let primary = firstPrimary !== undefined && answers(hosts.get(firstPrimary)) ? firstPrimary : undefined;
  for (const name of candidates.slice(1)) {
    if (primary || failed.has(name)) continue;
    const target = targets.get(name);
    if (!target) continue;
    try {
      const obs = await observeHost(run, target, requestFor(name, true));
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
