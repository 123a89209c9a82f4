// A Pi rebooted between two observes when its kernel boot id changed. Reported as a Warning
// Event (kubelet's reason and wording) and counted in bramble_node_boots_total, so unexpected
// reboots (under-voltage, a watchdog) show on the dashboard. Without a previous boot id (first
// observe, or an older bramble) nothing is reported.
import type { ReconcileEvent } from '../contract.ts';
import type { PiNodeFacts } from './pinode-types.ts';

export function rebooted(previous: PiNodeFacts | undefined, current: PiNodeFacts | undefined): boolean {
  return Boolean(previous?.bootId && current?.bootId && previous.bootId !== current.bootId);
}

export function rebootedEvents(name: string, previous: PiNodeFacts | undefined, current: PiNodeFacts): ReconcileEvent[] {
  if (!rebooted(previous, current)) return [];
  const uptime = current.uptimeSeconds === undefined ? 'uptime unknown' : `up ${current.uptimeSeconds} s`;
  return [{ type: 'Warning', reason: 'Rebooted', message: `Pi ${name} has been rebooted, boot id: ${current.bootId} (${uptime})` }];
}
