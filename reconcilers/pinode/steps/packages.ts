// Packages present, never upgraded: one apt-get install of exactly the missing ones. The lists
// are refreshed only when the install fails (a fresh image often has none), so a converged Pi
// never touches the network.
import { shellQuote } from '../../../ssh/quote.ts';
import { failFunction } from '../../shared/shell-snippets.ts';
import type { Step } from '../../shared/step.ts';
import type { ObservedState } from '../parse-state.ts';

const installTimeoutMs = 15 * 60_000;

export function missingPackages(wanted: readonly string[], state: ObservedState): string[] {
  return [...new Set(wanted)].filter((p) => !state.installedPackages.has(p));
}

export function packagesStep(wanted: readonly string[], state: ObservedState): Step | undefined {
  const missing = missingPackages(wanted, state);
  if (missing.length === 0) return undefined;
  const list = missing.map(shellQuote).join(' ');
  const installed = `dpkg-query -W -f='\${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^.i'`;
  return {
    name: 'packages',
    description: `install missing packages: ${missing.join(', ')}`,
    command: [
      failFunction,
      // Positional parameters carry the names: each stays one quoted word all the way to apt.
      'set --',
      `for p in ${list}; do ${installed} || set -- "$@" "$p"; done`,
      '[ "$#" -eq 0 ] && exit 0',
      'export DEBIAN_FRONTEND=noninteractive',
      // A fresh Raspberry Pi OS runs apt on its own at boot: wait for its lock instead of failing.
      'inst() { apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"; }',
      // apt-get takes a name holding "." or "+" as a pattern when no package has exactly that
      // name ("a." would pull in every package starting with "a"): install only exact names.
      'known() { apt-cache pkgnames "$1" 2>/dev/null | grep -qxF -- "$1"; }',
      'refresh() { apt-get update -q -o DPkg::Lock::Timeout=300; }',
      'for p; do known "$p" || { refresh || fail "apt-get update failed"; break; }; done',
      'for p; do known "$p" || fail "no package is named $p in the Pi\'s apt sources"; done',
      'inst "$@" || { refresh && inst "$@"; } || fail "apt-get install failed"',
      `for p in ${list}; do ${installed} || fail "package $p is still not installed"; done`,
    ].join('\n'),
    mutating: true,
    timeoutMs: installTimeoutMs,
    eventReason: 'PackagesInstalled',
  };
}
