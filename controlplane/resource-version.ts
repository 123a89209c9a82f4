// The resourceVersion a read asks for, checked as kube-apiserver checks it: "" and "0" mean
// any, anything else is an unsigned integer (400 otherwise), and a version this server has not
// reached yet — a client that talked to an earlier in-memory instance, or a copied data dir —
// is answered "Too large resource version" (504 Timeout, cause ResourceVersionTooLarge,
// Retry-After 1), never silently waited on. client-go's reflector relists on that answer.
import { ApiError, badRequest } from './errors.ts';

/** kube-apiserver's watch cache asks clients to retry after this (resourceVersionTooHighRetrySeconds). */
const RETRY_AFTER_SECONDS = 1;

/** The version asked for, or undefined for "any" ("" or "0"). */
export function requestedVersion(value: string | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '' || value === '0') return undefined;
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
    const why = /^\d+$/.test(value) ? 'value out of range' : 'invalid syntax';
    throw badRequest(
      `resourceVersion: Invalid value: ${JSON.stringify(value)}: strconv.ParseUint: parsing ${JSON.stringify(value)}: ${why}`,
    );
  }
  return Number(value);
}

export function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: RETRY_AFTER_SECONDS,
  });
}

/** Throws the 504 when `requested` is ahead of `current`. */
export function ensureReached(requested: number | undefined, current: number): void {
  if (requested !== undefined && requested > current) throw tooLargeResourceVersion(requested, current);
}
