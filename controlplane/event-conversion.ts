// Events are one stored kind served under two APIs: core/v1 and events.k8s.io/v1 rename
// fields (message↔note, involvedObject↔regarding, source↔deprecatedSource, …), as the
// apiserver's conversion does, so both views show the same event.
import type { KubeObject } from './types.ts';

const RENAMES: [core: string, events: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
  ['reportingComponent', 'reportingController'],
];

function rename(obj: KubeObject, pairs: [string, string][], apiVersion: string): KubeObject {
  const out: KubeObject = { ...obj, apiVersion, kind: 'Event' };
  for (const [from, to] of pairs) {
    if (from in out) {
      out[to] = out[from];
      delete out[from];
    }
  }
  return out;
}

export function coreToEventsV1(obj: KubeObject): KubeObject {
  return rename(obj, RENAMES, 'events.k8s.io/v1');
}

export function eventsV1ToCore(obj: KubeObject): KubeObject {
  return rename(
    obj,
    RENAMES.map(([a, b]) => [b, a]),
    'v1',
  );
}
