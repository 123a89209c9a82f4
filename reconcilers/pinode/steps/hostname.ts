// Hostname without hostnamectl (absent or not working on many images): /etc/hostname, the
// running kernel's name, and the 127.0.1.1 line Debian uses to resolve its own name.
import { shellQuote } from '../../../ssh/quote.ts';
import { failFunction, replaceFileFunction } from '../../shared/shell-snippets.ts';
import type { Step } from '../../shared/step.ts';
import type { ObservedState } from '../parse-state.ts';

const timeoutMs = 60_000;

export function hostnameStep(want: string, state: ObservedState): Step | undefined {
  if (state.hostname === want && state.etcHostname === want) return undefined;
  const was = state.hostname ?? state.etcHostname ?? 'unknown';
  const fileDiffers = state.etcHostname !== undefined && state.etcHostname !== state.hostname;
  const h = shellQuote(want);
  return {
    name: 'hostname',
    description: `hostname was ${was}${fileDiffers ? ` (/etc/hostname: ${state.etcHostname})` : ''}, set to ${want}`,
    command: [
      failFunction,
      replaceFileFunction,
      `h=${h}`,
      `[ "$(cat /etc/hostname 2>/dev/null)" = "$h" ] || printf '%s\\n' "$h" | replace_file /etc/hostname 644 || fail "cannot write /etc/hostname"`,
      `[ "$(hostname)" = "$h" ] || hostname "$h" || fail "cannot set the running hostname"`,
      `[ "$(hostname)" = "$h" ] && [ "$(cat /etc/hostname)" = "$h" ] || fail "hostname did not stick"`,
    ].join('\n'),
    mutating: true,
    timeoutMs,
    eventReason: 'HostnameSet',
  };
}

/** True when the first 127.0.1.1 line names `want` first (what `hostname -f` resolves). */
function hostsSatisfied(want: string, state: ObservedState): boolean {
  return state.loopbackNames[0]?.[0] === want;
}

const hostsCheck = `awk '$1=="127.0.1.1" { found=1; ok=($2==ENVIRON["H"]); exit } END { exit !(found && ok) }' /etc/hosts`;
const hostsRewrite =
  `awk '$1=="127.0.1.1" { if (!done) print "127.0.1.1\\t" ENVIRON["H"]; done=1; next } { print } ` +
  `END { if (!done) print "127.0.1.1\\t" ENVIRON["H"] }' /etc/hosts`;

export function etcHostsStep(want: string, state: ObservedState): Step | undefined {
  if (hostsSatisfied(want, state)) return undefined;
  const current = state.loopbackNames[0]?.join(' ');
  return {
    name: 'etc-hosts',
    description: current
      ? `/etc/hosts mapped 127.0.1.1 to ${current}, set to ${want}`
      : `/etc/hosts had no 127.0.1.1 line, added one for ${want}`,
    command: [
      failFunction,
      replaceFileFunction,
      // awk reads the name from the environment: -v would interpret backslashes in it.
      `H=${shellQuote(want)}; export H`,
      '[ -f /etc/hosts ] || : > /etc/hosts || fail "cannot create /etc/hosts"',
      `${hostsCheck} && exit 0`,
      // awk writes to a pipe read by replace_file; its content is checked right after.
      `${hostsRewrite} | replace_file /etc/hosts 644 || fail "cannot write /etc/hosts"`,
      `${hostsCheck} || fail "/etc/hosts does not map 127.0.1.1 to $H"`,
    ].join('\n'),
    mutating: true,
    timeoutMs,
    eventReason: 'HostsFileUpdated',
  };
}
