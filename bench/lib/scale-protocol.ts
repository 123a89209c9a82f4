// Messages between the scale benchmark and its operator process (over the IPC channel).
import type { PiLook } from './replay-executor.ts';

export interface ScaleOperatorConfig {
  kubeconfig: string;
  fixture: string;
  delayMs: number;
  nodes: { name: string; address: string; hostname: string }[];
}

export type ChildRequest =
  | { type: 'ready' }
  | { type: 'resync' }
  | { type: 'look'; address: string; look: PiLook }
  | { type: 'firstCall'; host: string; since: number }
  | { type: 'memory' }
  | { type: 'stop' };

export type ChildReply =
  | { type: 'synced' }
  | { type: 'ready'; count: number }
  | { type: 'resynced'; ms: number; cpuMs: number }
  | { type: 'firstCall'; at: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  | { type: 'ok' }
  | { type: 'error'; message: string };
