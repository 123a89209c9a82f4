// How long to leave a host alone after failed connection attempts: exponential, capped.

export interface BackoffPolicy {
  /** Delay after the first failure. */
  initialMs: number;
  /** Upper bound for any delay. */
  maxMs: number;
}

export const defaultBackoff: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/** Delay before the next attempt after `failures` consecutive failures (0 → no delay). */
export function backoffDelay(failures: number, policy: BackoffPolicy = defaultBackoff): number {
  if (failures <= 0) return 0;
  // 2^30 already exceeds any sane cap; clamping the exponent avoids Infinity.
  const exponent = Math.min(failures - 1, 30);
  return Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
}
