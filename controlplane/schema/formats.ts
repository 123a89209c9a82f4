// String formats the apiextensions-apiserver checks (kube-openapi's strfmt registry), with Go's
// parsing rules where they differ from Node's (IPv4 octets with leading zeros, IPv6 zones).
import { isIPv6 } from 'node:net';

type FormatCheck = (value: string) => boolean;

const ipv4Octet = /^(0|[1-9][0-9]{0,2})$/;

function isIPv4(value: string): boolean {
  const parts = value.split('.');
  return parts.length === 4 && parts.every((p) => ipv4Octet.test(p) && Number(p) <= 255);
}

function isStrictIPv6(value: string): boolean {
  // Go's net.ParseIP rejects zone identifiers ("fe80::1%eth0"); Node accepts them.
  return value.includes(':') && !value.includes('%') && isIPv6(value);
}

const label = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > 253) return false;
  return value.split('.').every((l) => label.test(l));
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function isDateTime(value: string): boolean {
  const m = rfc3339.exec(value);
  if (!m) return false;
  const [month, day, hour, minute, second] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number];
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 60 &&
    !Number.isNaN(Date.parse(value.replace(' ', 'T')))
  );
}

function isDate(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

const base64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function isCidr(value: string): boolean {
  const slash = value.lastIndexOf('/');
  if (slash < 0) return false;
  const ip = value.slice(0, slash);
  const bits = value.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(bits)) return false;
  if (isIPv4(ip)) return Number(bits) <= 32;
  return isStrictIPv6(ip) && Number(bits) <= 128;
}

function isUri(value: string): boolean {
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

const stringFormats: Record<string, FormatCheck> = {
  ipv4: isIPv4,
  ipv6: isStrictIPv6,
  cidr: isCidr,
  hostname: isHostname,
  'date-time': isDateTime,
  datetime: isDateTime,
  date: isDate,
  byte: (v) => base64.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
  uri: isUri,
  mac: (v) => /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/.test(v),
};

/** False when the format is known and the value breaks it; unknown formats pass, as in Kubernetes. */
export function matchesStringFormat(format: string, value: string): boolean {
  const check = stringFormats[format];
  return check ? check(value) : true;
}

const integerRanges: Record<string, [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** False when a number is outside the range its numeric format (int32, int64) allows. */
export function matchesNumberFormat(format: string, value: number): boolean {
  const range = integerRanges[format];
  if (!range) return true;
  if (!Number.isInteger(value)) return false;
  const v = BigInt(value);
  return v >= range[0] && v <= range[1];
}
