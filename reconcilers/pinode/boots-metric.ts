// bramble_node_boots_total{namespace,pinode}: reboots seen since this operator started (a new
// boot id between two observes, reboot.ts), so `increase(...[1d]) > 0` shows unexpected reboots
// in Grafana. A process counter, as Prometheus expects: a restart of the operator is a reset.
import { Counter, type Registry } from 'prom-client';
import type { PiNodeStatus } from './pinode-types.ts';
import { rebooted } from './reboot.ts';

export interface NodeBootsCounter {
  /** Feed every PiNode status change (old and new status as the cache has them). */
  statusChanged(namespace: string, pinode: string, previous: PiNodeStatus | undefined, current: PiNodeStatus | undefined): void;
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
      if (rebooted(previous?.facts, current?.facts)) counter.inc({ namespace, pinode });
    },
  };
}
