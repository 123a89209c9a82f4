// One reconcile or finalize of a GlusterVolume as the files here carry it: the shared Run, the
// retry policy, and the not-Ready result every refusal and wait returns.
import type { ReconcileResult } from '../contract.ts';
import type { RetryPolicy } from '../shared/retry-delay.ts';
import type { Run } from '../shared/run.ts';
import { notReadyResult } from '../shared/status-verdict.ts';
import type { GlusterVolume, GlusterVolumeStatus } from './types.ts';

/** A healthy volume is re-observed this often for drift. */
export const driftCheckIntervalMs = 5 * 60_000;
export const retryPolicy: RetryPolicy = { minMs: 10_000, maxMs: driftCheckIntervalMs };

export type VolumeRun = Run<GlusterVolume, GlusterVolumeStatus>;

export function notReady(run: VolumeRun, reason: string, message: string, opts: { stalled?: boolean; rest?: Partial<GlusterVolumeStatus> } = {}): ReconcileResult<GlusterVolumeStatus> {
  return notReadyResult(run, retryPolicy, reason, message, opts);
}
