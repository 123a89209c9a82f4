// Backoff without a failure counter in status: the time a condition has been failing (from its
// lastTransitionTime) is the next delay, so the delays roughly double (10s, 20s, 40s, …) and the
// state survives controller restarts for free.

export interface RetryPolicy {
  minMs: number;
  maxMs: number;
}

export function retryDelayMs(failingSince: string | undefined, now: Date, policy: RetryPolicy): number {
  const since = failingSince ? Date.parse(failingSince) : NaN;
  const elapsed = Number.isFinite(since) ? now.getTime() - since : 0;
  return Math.min(policy.maxMs, Math.max(policy.minMs, elapsed));
}
