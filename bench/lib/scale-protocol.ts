// Messages between the scale benchmark and its operator process (over the IPC channel).
import type { ProfileSummary } from './cpu-profile.ts';
import type { PiLook } from './replay-executor.ts';

export interface ScaleOperatorConfig {
  kubeconfig: string;
  fixture: string;
  delayMs: number;
  nodes: { name: string; address: string; hostname: string }[];
}

export type ChildRequest =
  | { type: 'ready' }
  /** A full resync pass; `profile`: a V8 CPU profile of it, summarised (sampling every 10 ms). */
  | { type: 'resync'; profile?: boolean }
  | { type: 'look'; address: string; look: PiLook }
  | { type: 'firstCall'; host: string; since: number }
  | { type: 'memory' }
  | { type: 'stop' };

export type ChildReply =
  | { type: 'synced' }
  | { type: 'ready'; count: number }
  | { type: 'resynced'; ms: number; cpuMs: number; waitsMs: number[]; profile?: ProfileSummary }
  | { type: 'firstCall'; at: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'ok' }
  | { type: 'error'; message: string };
