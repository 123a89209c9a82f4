// Writing responses: JSON bodies, Status errors and `Warning` headers.
import type { ServerResponse } from 'node:http';
import { ApiError, internalError } from './errors.ts';

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  warnings: string[] = [],
): void {
  const text = JSON.stringify(body);
  if (warnings.length > 0)
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

/** Sends the Status for any failure and returns its HTTP code. */
export function sendError(res: ServerResponse, err: unknown): number {
  const apiError = err instanceof ApiError ? err : internalError(err);
  if (res.headersSent) {
    res.destroy();
    return apiError.code;
  }
  const retryAfter = apiError.details?.retryAfterSeconds;
  if (retryAfter !== undefined && retryAfter > 0) res.setHeader('Retry-After', String(retryAfter));
  sendJson(res, apiError.code, apiError.toStatus());
  return apiError.code;
}
