// Query parameters read as kube-apiserver's parameter codec reads them (k8s.io/apimachinery
// runtime.Convert_Slice_string_To_*): every boolean is false for "0" or any-case "false" and
// true for anything else present — so Python's `watch=True` is a watch, and every spelling Go's
// strconv.ParseBool knows (1 t T TRUE true True 0 f F FALSE false False) means what it says —;
// integers are strconv.ParseInt (400 with Go's message otherwise); `timeout` is a Go duration.
// The first value of a repeated parameter counts, as in Go.
import { ApiError, badRequest } from './errors.ts';
import type { FieldValidation } from './admission.ts';

export function queryBool(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

const INT64_MAX = 2n ** 63n - 1n;

/** strconv.ParseInt(v, 10, 64). */
export function parseInt64(v: string): number {
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n > INT64_MAX || n < -INT64_MAX - 1n) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

export function queryInt(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  return v === null ? undefined : parseInt64(v);
}

const UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** Go's time.ParseDuration, in milliseconds; throws an Error with Go's message. */
export function parseGoDuration(text: string): number {
  const invalid = () => new Error(`time: invalid duration ${JSON.stringify(text)}`);
  let s = text;
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s[0] === '-') sign = -1;
    s = s.slice(1);
  }
  if (s === '0') return 0;
  if (s === '') throw invalid();
  let total = 0;
  while (s !== '') {
    const m = /^(\d*)(?:\.(\d*))?/.exec(s)!;
    if (m[0] === '' || m[0] === '.') throw invalid();
    s = s.slice(m[0].length);
    const unit = /^[^\d.]*/.exec(s)![0];
    if (unit === '') throw new Error(`time: missing unit in duration ${JSON.stringify(text)}`);
    const scale = UNITS_MS[unit];
    if (scale === undefined) throw new Error(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`);
    total += Number(`${m[1] || '0'}.${m[2] || '0'}`) * scale;
    s = s.slice(unit.length);
  }
  return sign * total;
}

/** The `timeout` parameter every non-watch request may carry (WithRequestDeadline). */
export function requestTimeoutMs(query: URLSearchParams): number | undefined {
  const v = query.get('timeout');
  if (v === null || v === '') return undefined;
  try {
    return parseGoDuration(v);
  } catch (err) {
    throw badRequest(`invalid timeout specified in the request URL - ${(err as Error).message}`);
  }
}

export interface ListQuery {
  labelSelector: string | null;
  fieldSelector: string | null;
  watch: boolean;
  allowWatchBookmarks: boolean;
  resourceVersion: string | undefined;
  timeoutSeconds: number | undefined;
  limit: number | undefined;
  continueToken: string | undefined;
}

export function listQuery(query: URLSearchParams): ListQuery {
  return {
    labelSelector: query.get('labelSelector'),
    fieldSelector: query.get('fieldSelector'),
    watch: queryBool(query, 'watch') ?? false,
    allowWatchBookmarks: queryBool(query, 'allowWatchBookmarks') ?? false,
    resourceVersion: query.get('resourceVersion') ?? undefined,
    timeoutSeconds: queryInt(query, 'timeoutSeconds'),
    limit: queryInt(query, 'limit'),
    continueToken: query.get('continue') || undefined,
  };
}

export interface WriteQuery {
  dryRun: boolean;
  fieldValidation: FieldValidation;
  /** The field manager named by the client (fieldManager), if any. */
  fieldManager: string | undefined;
  /** `force` (apply patches only). */
  force: boolean | undefined;
}

function optionsInvalid(kind: string, field: string, message: string): ApiError {
  return new ApiError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${field}: ${message}`, {
    group: 'meta.k8s.io',
    kind,
    causes: [{ reason: 'FieldValueInvalid', message, field }],
  });
}

/** dryRun, fieldValidation, fieldManager and force, validated as kube's Create/Update/PatchOptions are. */
export function writeQuery(query: URLSearchParams, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions'): WriteQuery {
  const fv = query.get('fieldValidation') || 'Warn';
  if (fv !== 'Strict' && fv !== 'Warn' && fv !== 'Ignore') {
    throw badRequest(`fieldValidation must be one of "Ignore", "Warn" or "Strict", got "${fv}"`);
  }
  const dryRun = dryRunQuery(query, kind);
  const fieldManager = query.get('fieldManager') || undefined;
  if (fieldManager !== undefined) {
    if (fieldManager.length > 128) throw optionsInvalid(kind, 'fieldManager', `Too long: may not be more than 128 bytes`);
    if (/[^\x20-\x7e]/.test(fieldManager))
      throw optionsInvalid(
        kind,
        'fieldManager',
        `Invalid value: ${JSON.stringify(fieldManager)}: must be made of printable ASCII characters`,
      );
  }
  const force = queryBool(query, 'force');
  return { dryRun, fieldValidation: fv, fieldManager, force };
}

export function dryRunQuery(query: URLSearchParams, kind: string): boolean {
  const values = query.getAll('dryRun');
  const bad = values.find((d) => d !== 'All');
  if (bad !== undefined) throw optionsInvalid(kind, 'dryRun', `Unsupported value: ${JSON.stringify(bad)}: supported values: "All"`);
  return values.length > 0;
}

/** How a PATCH's force flag must agree with its type (apply patches alone take it; they need a manager). */
export function checkApplyOptions(options: WriteQuery, isApply: boolean): void {
  if (isApply && options.fieldManager === undefined) {
    throw optionsInvalid('PatchOptions', 'fieldManager', 'Required value: is required for apply patch');
  }
  if (!isApply && options.force !== undefined) {
    throw optionsInvalid('PatchOptions', 'force', 'Forbidden: may not be specified for non-apply patch');
  }
}
