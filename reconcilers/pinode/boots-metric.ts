// bramble_node_boots_total{namespace,pinode}: reboots seen since this operator started (a new
// boot id between two observes, reboot.ts), so `increase(...[1d]) > 0` shows unexpected reboots
// in Grafana. A process counter, as Prometheus expects: a restart of the operator is a reset.
// Each Pi's series starts at 0 as soon as its boot id is known: a series that first appeared at 1
// would hide that first reboot from increase(), which needs a sample before the change.
import { Counter, type Registry } from 'prom-client';
import type { PiNodeStatus } from './pinode-types.ts';
import { rebooted } from './reboot.ts';

export interface NodeBootsCounter {
  /** Feed every PiNode status change (old and new status as the cache has them). */
  statusChanged(namespace: string, pinode: string, previous: PiNodeStatus | undefined, current: PiNodeStatus | undefined): void;
  /** The PiNode is gone: its series goes too. */
  removed(namespace: string, pinode: string): void;
}

export function createNodeBootsCounter(registry: Registry): NodeBootsCounter {
  const counter = new Counter({
    name: 'bramble_node_boots_total',
    help: 'Reboots of the Pi seen by bramble (its kernel boot id changed between two observes)',
    labelNames: ['namespace', 'pinode'],
    registers: [registry],
  });
  return {
    statusChanged(namespace, pinode, previous, current) {
      if (!current?.facts?.bootId) return;
      counter.inc({ namespace, pinode }, rebooted(previous?.facts, current.facts) ? 1 : 0);
    },
    removed(namespace, pinode) {
      counter.remove({ namespace, pinode });
    },
  };
}
