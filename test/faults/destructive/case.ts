// What one destructive-spec case is: a story told with kubectl against a fleet whose PiNodes are
// Ready (apply a spec that is refused, never converges, collides with another resource, is edited
// or aims at a system path; then delete it), and what it declares bramble may create, change or
// remove on each Pi meanwhile. The runner (../destructive-specs.test.ts) inventories every Pi
// before and after and fails on any difference the case did not declare.
import type { FaultFleet } from '../../e2e/converged-fleet.ts';
import type { Declared } from '../inventory.ts';

export interface CaseContext {
  ff: FaultFleet;
  /** A namespace of the case's own, created for it (deleted after it, with what is left in it). */
  namespace: string;
  /** A second namespace, for cases about two resources of the same name. */
  otherNamespace: string;
}

export interface CaseOutcome {
  /** Per node ("pi0"…), or "*" for every node: what bramble was expected to change. */
  declared: Record<string, Declared>;
  /** Short figures the case wants in the summary line (e.g. "bricks removed 3"). */
  notes?: string[];
}

export interface DestructiveCase {
  name: string;
  run(ctx: CaseContext): Promise<CaseOutcome>;
}

/**
 * What changes on a Pi by itself while bramble is not touching it, in every case: daemons' own
 * logs, systemd's bookkeeping and GlusterFS's brick health check. Nothing a spec can point bramble at lives here.
 */
export const volatile: Declared = {
  added: ['/var/log/**', '/var/lib/systemd/**'],
  removed: ['/var/log/**', '/var/lib/systemd/**'],
  // GlusterFS's brick health check rewrites this timestamp every 30 s in every brick it serves.
  changed: ['/var/log/**', '/var/lib/systemd/**', '**/.glusterfs/health_check'],
};
