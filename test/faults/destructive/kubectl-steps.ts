// The kubectl steps the destructive-spec cases tell their stories with: apply, read, wait for a
// condition's reason (saying the last one seen when it does not come), delete, read an Event's
// note; and running one command on several Pis at once.
import { waitFor } from '../../e2e/wait.ts';
import type { FaultFleet } from '../../e2e/converged-fleet.ts';
import type { Declared } from '../inventory.ts';

export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
export interface Conditioned {
  metadata: { uid: string };
  status?: { conditions?: Condition[] };
}

export async function apply(ff: FaultFleet, namespace: string, yaml: string): Promise<void> {
  await ff.kubectl(['apply', '-n', namespace, '-f', '-'], yaml);
}

export async function getObject<T>(ff: FaultFleet, kind: string, namespace: string, name: string): Promise<T> {
  return JSON.parse(await ff.kubectl(['get', kind, name, '-n', namespace, '-o', 'json'])) as T;
}

export const conditionOf = (o: Conditioned, type: string) => o.status?.conditions?.find((c) => c.type === type);

/** Waits until the object's Ready (or Stalled) condition has `reason`; returns the object. */
export async function waitReason<T extends Conditioned>(
  ff: FaultFleet,
  kind: string,
  namespace: string,
  name: string,
  type: 'Ready' | 'Stalled',
  reason: string,
  timeoutMs: number,
): Promise<T> {
  let last = '';
  await waitFor(
    `${kind} ${namespace}/${name} ${type} ${reason}`,
    timeoutMs,
    async () => {
      const c = conditionOf(await getObject<T>(ff, kind, namespace, name), type);
      last = `${c?.reason}: ${c?.message}`;
      return c?.reason === reason;
    },
    1000,
  ).catch((err: Error) => {
    throw new Error(`${err.message}; last: ${last}`);
  });
  return getObject<T>(ff, kind, namespace, name);
}

export async function deleteObject(ff: FaultFleet, kind: string, namespace: string, name: string): Promise<void> {
  await ff.kubectl(['delete', kind, name, '-n', namespace, '--timeout=120s']);
}

/** The notes of the Events of `reason` about `name` in `namespace`. */
export async function eventNote(ff: FaultFleet, namespace: string, name: string, reason: string): Promise<string> {
  const events = JSON.parse(await ff.kubectl(['get', 'events.events.k8s.io', '-n', namespace, '-o', 'json'])) as {
    items: { reason: string; note?: string; regarding?: { name?: string } }[];
  };
  return events.items
    .filter((e) => e.reason === reason && e.regarding?.name === name)
    .map((e) => e.note ?? '')
    .join('\n');
}

export async function onNodes(ff: FaultFleet, nodes: readonly string[], command: string): Promise<string[]> {
  return Promise.all(nodes.map((n) => ff.onNode(n, command)));
}

export const perNode = (nodes: readonly string[], d: Declared): Record<string, Declared> => Object.fromEntries(nodes.map((n) => [n, d]));
