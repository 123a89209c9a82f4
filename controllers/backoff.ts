// Per-key exponential backoff, as client-go's ItemExponentialFailureRateLimiter computes it.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const defaultBackoff: BackoffPolicy = { baseMs: 5, capMs: 1000_000 };

/** Delay before retry number `failures` (1 = first failure): base·2^(failures-1), capped. */
export function backoffDelay(policy: BackoffPolicy, failures: number): number {
  if (failures <= 0) return 0;
  // 2^60 overflows nothing useful; past the cap the exponent no longer matters.
  const exp = Math.min(failures - 1, 60);
  return Math.min(policy.capMs, policy.baseMs * 2 ** exp);
}
