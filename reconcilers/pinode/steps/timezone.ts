// Time zone the Debian way without timedatectl: /etc/localtime links into zoneinfo and
// /etc/timezone names the zone (tzdata reads the latter on upgrades).
import { shellQuote } from '../../../ssh/quote.ts';
import { failFunction, replaceFileFunction } from '../../shared/shell-snippets.ts';
import type { Step } from '../../shared/step.ts';
import type { ObservedState } from '../parse-state.ts';

export function timezoneStep(want: string, state: ObservedState): Step | undefined {
  if (state.etcTimezone === want && state.localtimeZone === want) return undefined;
  const was = state.etcTimezone ?? state.localtimeZone ?? 'unset';
  return {
    name: 'timezone',
    description: `timezone was ${was}, set to ${want}`,
    command: [
      failFunction,
      replaceFileFunction,
      `Z=${shellQuote(want)}`,
      // The schema only admits IANA names; this keeps a path out even if one slipped through.
      `case "$Z" in ''|/*|*..*) fail "invalid time zone name: $Z";; esac`,
      'f="/usr/share/zoneinfo/$Z"',
      '[ -f "$f" ] || fail "unknown time zone $Z: $f does not exist (is tzdata installed?)"',
      'if [ "$(readlink /etc/localtime)" != "$f" ]; then',
      '  t="/etc/.localtime.bramble.$$"; rm -f "$t"',
      '  ln -s "$f" "$t" && mv -f "$t" /etc/localtime || { rm -f "$t"; fail "cannot link /etc/localtime"; }',
      'fi',
      `[ "$(cat /etc/timezone 2>/dev/null)" = "$Z" ] || printf '%s\\n' "$Z" | replace_file /etc/timezone 644 || fail "cannot write /etc/timezone"`,
      '[ "$(readlink /etc/localtime)" = "$f" ] && [ "$(cat /etc/timezone)" = "$Z" ] || fail "time zone did not stick"',
    ].join('\n'),
    mutating: true,
    timeoutMs: 60_000,
    eventReason: 'TimezoneSet',
  };
}
