// What one fleet created on the host, written to disk before each resource is made, so a run
// that crashed can be cleaned up later by exactly these names and PIDs, and nothing else.
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface FleetState {
  name: string;
  /** PID of the process that started the fleet. */
  ownerPid: number;
  /** Directory holding every node's overlay, console log and the client key. */
  dir: string;
  bridge?: string;
  netns: string[];
  /** Overlay mount points. */
  mounts: string[];
  /** Cgroup directories (relative to each cgroup hierarchy root) the nodes run in. */
  cgroups: string[];
  /** systemd-nspawn's bookkeeping directory per machine. */
  nspawnDirs: string[];
  /** systemd-nspawn PID per node name, with the machine name to recognise it by. */
  machines: Record<string, { pid: number; machine: string }>;
}

export function fleetsDir(): string {
  return process.env.BRAMBLE_FLEET_DIR ?? '/var/lib/bramble-fleet';
}

export function stateFile(name: string): string {
  return join(fleetsDir(), `${name}.state.json`);
}

export function emptyState(name: string): FleetState {
  return {
    name,
    ownerPid: process.pid,
    dir: join(fleetsDir(), name),
    netns: [],
    mounts: [],
    cgroups: [],
    nspawnDirs: [],
    machines: {},
  };
}

export function saveState(state: FleetState): void {
  const file = stateFile(state.name);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function loadState(name: string): FleetState | undefined {
  const file = stateFile(name);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as FleetState;
}

/** Adds an item to a list in the state unless it is there, and saves at once. */
export function record(state: FleetState, list: 'netns' | 'mounts' | 'cgroups' | 'nspawnDirs', item: string): void {
  if (!state[list].includes(item)) state[list].push(item);
  saveState(state);
}
