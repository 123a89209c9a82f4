// Every failure leaves the server as a metav1.Status, shaped as kube-apiserver shapes it
// (k8s.io/apimachinery/pkg/api/errors), so clients branch on `reason` and `code` correctly.
import type { FieldCause, ResourceType } from './types.ts';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: { reason: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: string, message: string, details?: StatusDetails) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Record<string, unknown> {
    return statusObject('Failure', this.code, this.reason, this.message, this.details);
  }
}

export function statusObject(
  status: 'Success' | 'Failure',
  code: number,
  reason: string | undefined,
  message: string | undefined,
  details?: StatusDetails,
): Record<string, unknown> {
  const out: Record<string, unknown> = { kind: 'Status', apiVersion: 'v1', metadata: {}, status };
  if (message !== undefined) out.message = message;
  if (reason) out.reason = reason;
  if (details) out.details = details;
  out.code = code;
  return out;
}

/** "pinodes.bramble.dev" or "secrets": what Kubernetes calls a qualified resource. */
export function qualifiedResource(rt: Pick<ResourceType, 'group' | 'resource'>): string {
  return rt.group ? `${rt.resource}.${rt.group}` : rt.resource;
}

function qualifiedKind(rt: Pick<ResourceType, 'group' | 'kind'>): string {
  return rt.group ? `${rt.kind}.${rt.group}` : rt.kind;
}

export function notFound(rt: Pick<ResourceType, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedResource(rt)} "${name}" not found`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export function alreadyExists(rt: Pick<ResourceType, 'group' | 'resource'>, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedResource(rt)} "${name}" already exists`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export function conflict(rt: Pick<ResourceType, 'group' | 'resource'>, name: string, why: string): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedResource(rt)} "${name}": ${why}`, {
    name,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export const STALE_OBJECT = 'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function methodNotAllowed(message = 'the server does not allow this method on the requested resource'): ApiError {
  return new ApiError(405, 'MethodNotAllowed', message);
}

export function unsupportedMediaType(message: string): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', message);
}

export function forbidden(rt: Pick<ResourceType, 'group' | 'resource'>, name: string, why: string): ApiError {
  const subject = name ? `${qualifiedResource(rt)} "${name}"` : qualifiedResource(rt);
  return new ApiError(403, 'Forbidden', `${subject} is forbidden: ${why}`, {
    name: name || undefined,
    group: rt.group || undefined,
    kind: rt.resource,
  });
}

export function gone(message: string): ApiError {
  return new ApiError(410, 'Expired', message);
}

/** 422 with one cause per field, worded as field.ErrorList.ToAggregate() words it. */
export function invalid(rt: Pick<ResourceType, 'group' | 'kind'>, name: string, causes: FieldCause[]): ApiError {
  const lines = [...new Set(causes.map((c) => `${c.field}: ${c.message}`))];
  const summary = lines.length === 1 ? lines[0] : `[${lines.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${qualifiedKind(rt)} "${name}" is invalid: ${summary}`, {
    name,
    group: rt.group || undefined,
    kind: rt.kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
  });
}

export function internalError(err: unknown): ApiError {
  const message = err instanceof Error ? err.message : String(err);
  return new ApiError(500, 'InternalError', `Internal error occurred: ${message}`, {
    causes: [{ reason: 'UnexpectedServerResponse', message }],
  });
}
