// The CRD schema rejects these values at `kubectl apply`; checking again here means a value that
// slipped past an older schema (or a hand-made object) stops with a condition, not on a Pi.
import type { PiNodeSpec } from './pinode-types.ts';
import * as pattern from '../../crds/patterns.ts';

// The very patterns the CRD schema holds, so the two checks can never drift apart.
const hostnamePattern = new RegExp(pattern.dnsLabel);
const timezonePattern = new RegExp(pattern.ianaTimezone);
const accountPattern = new RegExp(pattern.posixName);
const packagePattern = new RegExp(pattern.debianPackage);
const shellPattern = new RegExp(pattern.absolutePath);

/** Human problems with the spec; empty when it is safe to plan from. */
export function specProblems(spec: PiNodeSpec): string[] {
  const problems: string[] = [];
  if (spec.hostname !== undefined && !hostnamePattern.test(spec.hostname))
    problems.push(`hostname ${JSON.stringify(spec.hostname)} is not a valid host name`);
  if (spec.timezone !== undefined && !timezonePattern.test(spec.timezone))
    problems.push(`timezone ${JSON.stringify(spec.timezone)} is not an IANA zone name`);
  for (const p of spec.packages ?? []) {
    if (!packagePattern.test(p)) problems.push(`package ${JSON.stringify(p)} is not a Debian package name`);
  }
  const seen = new Set<string>();
  for (const user of spec.users ?? []) {
    if (!accountPattern.test(user.name)) problems.push(`user ${JSON.stringify(user.name)} is not a valid user name`);
    if (seen.has(user.name)) problems.push(`user ${user.name} is listed twice`);
    seen.add(user.name);
    for (const g of user.groups ?? []) {
      if (!accountPattern.test(g)) problems.push(`group ${JSON.stringify(g)} of user ${user.name} is not a valid group name`);
    }
    if (user.shell !== undefined && !shellPattern.test(user.shell)) {
      problems.push(`shell ${JSON.stringify(user.shell)} of user ${user.name} is not an absolute path`);
    }
    for (const key of user.authorizedKeys ?? []) {
      if (/[\r\n\0]/.test(key)) problems.push(`an authorized key of user ${user.name} spans several lines`);
    }
  }
  return problems;
}
