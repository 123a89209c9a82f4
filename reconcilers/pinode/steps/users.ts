// Users: the account (useradd -m), its supplementary groups and shell, and its authorized keys.
// bramble adds, it never takes away what it did not write: groups not in the spec are kept and
// users dropped from the spec are left alone. Authorized keys are the exception: when the spec
// lists them, the file is exactly that list, so removing a key from the spec revokes it.
//
// A declared group that does not exist is created (plain groupadd), as the CRD documents:
// gpio, i2c or spi exist on Raspberry Pi OS but not on plain Debian, and a spec should converge
// on both. Packages run before users, so a group a package creates (docker) gets that package's
// system GID rather than one made up here. The step says which groups it creates.
import { shellQuote } from '../../../ssh/quote.ts';
import { failFunction } from '../../shared/shell-snippets.ts';
import type { Step } from '../../shared/step.ts';
import type { PiNodeUser } from '../pinode-types.ts';
import type { ObservedPath, ObservedUser } from '../parse-state.ts';

const timeoutMs = 60_000;

export function missingGroups(user: PiNodeUser, observed: ObservedUser | undefined): string[] {
  const have = new Set(observed?.groups ?? []);
  return [...new Set(user.groups ?? [])].filter((g) => !have.has(g));
}

function describeUser(user: PiNodeUser, observed: ObservedUser | undefined, groups: string[], existing: ReadonlySet<string>): string {
  const parts: string[] = [];
  const created = groups.filter((g) => !existing.has(g));
  if (created.length) parts.push(`create group${created.length === 1 ? '' : 's'} ${created.join(', ')}`);
  if (!observed?.exists) {
    const extras = [groups.length ? `groups ${groups.join(', ')}` : '', user.shell ? `shell ${user.shell}` : ''].filter(Boolean);
    parts.push(`create user ${user.name}${extras.length ? ` (${extras.join('; ')})` : ''}`);
    return parts.join('; ');
  }
  if (groups.length) parts.push(`add ${user.name} to groups ${groups.join(', ')}`);
  if (user.shell && observed.shell !== user.shell) parts.push(`shell of ${user.name} was ${observed.shell}, set to ${user.shell}`);
  return parts.join('; ');
}

export function userStep(user: PiNodeUser, observed: ObservedUser | undefined, existingGroups: ReadonlySet<string>): Step | undefined {
  const groups = missingGroups(user, observed);
  const shellDiffers = user.shell !== undefined && observed?.shell !== user.shell;
  if (observed?.exists && groups.length === 0 && !shellDiffers) return undefined;
  const wanted = [...new Set(user.groups ?? [])].map(shellQuote).join(' ');
  const inGroup = `id -nG "$U" | tr ' ' '\\n' | grep -qxF "$g"`;
  return {
    name: `user:${user.name}`,
    description: describeUser(user, observed, groups, existingGroups),
    command: [
      failFunction,
      `U=${shellQuote(user.name)}`,
      `S=${shellQuote(user.shell ?? '')}`,
      '[ -z "$S" ] || [ -x "$S" ] || fail "shell $S does not exist on this host"',
      ...(wanted ? [`for g in ${wanted}; do getent group "$g" >/dev/null || groupadd "$g" || fail "groupadd $g failed"; done`] : []),
      'if ! id -u "$U" >/dev/null 2>&1; then',
      '  if [ -n "$S" ]; then useradd -m -s "$S" "$U"; else useradd -m "$U"; fi || fail "useradd $U failed"',
      'fi',
      ...(wanted
        ? [
            'missing=',
            `for g in ${wanted}; do ${inGroup} || missing="\${missing:+$missing,}$g"; done`,
            '[ -z "$missing" ] || usermod -aG "$missing" "$U" || fail "usermod -aG $missing $U failed"',
            `for g in ${wanted}; do ${inGroup} || fail "$U is still not in group $g"; done`,
          ]
        : []),
      'if [ -n "$S" ] && [ "$(getent passwd "$U" | cut -d: -f7)" != "$S" ]; then usermod -s "$S" "$U" || fail "usermod -s $S $U failed"; fi',
      'id -u "$U" >/dev/null 2>&1 || fail "user $U does not exist after useradd"',
    ].join('\n'),
    mutating: true,
    timeoutMs,
    eventReason: 'UserConfigured',
  };
}

function pathIs(path: ObservedPath | undefined, type: string, mode: string, owner: string): boolean {
  return path?.type === type && path.mode === mode && path.owner === owner;
}

export function desiredKeyLines(keys: readonly string[]): string[] {
  return keys.map((k) => k.trim()).filter(Boolean);
}

function describeKeys(name: string, want: string[], observed: ObservedUser | undefined): string {
  const have = new Set(observed?.authorizedKeys ?? []);
  const wanted = new Set(want);
  const added = want.filter((k) => !have.has(k)).length;
  const removed = [...have].filter((k) => !wanted.has(k)).length;
  if (!observed?.exists || !observed.keysFile)
    return `write authorized keys of ${name} (${want.length} key${want.length === 1 ? '' : 's'})`;
  if (added || removed) return `authorized keys of ${name}: ${added} added, ${removed} removed`;
  return `fix ownership and permissions of ~${name}/.ssh and its authorized_keys (0700/0600)`;
}

/**
 * Run as the user (`sh -c SCRIPT sh HOME KEY...`): ~/.ssh 0700 and authorized_keys 0600 holding
 * exactly the keys, written to a temp file in ~/.ssh and renamed over the old one.
 */
const writeKeysAsUser = [
  'set -e; umask 077; d="$1/.ssh"; shift',
  '[ ! -L "$d" ] || { echo "$d is a symbolic link; refusing to write through it" >&2; exit 1; }',
  '[ -d "$d" ] || mkdir "$d"',
  'chmod 700 "$d"',
  't=$(mktemp "$d/.authorized_keys.XXXXXX")',
  'if [ "$#" -gt 0 ]; then printf "%s\\n" "$@" > "$t"; else : > "$t"; fi',
  'chmod 600 "$t"',
  'mv -f "$t" "$d/authorized_keys"',
].join('\n');

export function authorizedKeysStep(user: PiNodeUser, observed: ObservedUser | undefined): Step | undefined {
  if (user.authorizedKeys === undefined) return undefined;
  const want = desiredKeyLines(user.authorizedKeys);
  const inSync =
    observed?.exists === true &&
    pathIs(observed.sshDir, 'directory', '700', user.name) &&
    pathIs(observed.keysFile, 'regular file', '600', user.name) &&
    observed.authorizedKeys.length === want.length &&
    observed.authorizedKeys.every((k, i) => k === want[i]);
  if (inSync) return undefined;
  const content = want.length ? `printf '%s\\n' ${want.map(shellQuote).join(' ')}` : 'printf ""';
  return {
    name: `authorized-keys:${user.name}`,
    description: describeKeys(user.name, want, observed),
    command: [
      failFunction,
      `U=${shellQuote(user.name)}`,
      'home=$(getent passwd "$U" | cut -d: -f6)',
      '[ -n "$home" ] && [ -d "$home" ] || fail "user $U has no home directory"',
      'd="$home/.ssh"; f="$d/authorized_keys"',
      'command -v runuser >/dev/null || fail "runuser (util-linux) is missing"',
      // The user owns ~ and may swap anything in it for a symlink at any moment, so every write
      // below ~ runs as that user: a planted link can only lead where they may write anyway.
      // Root only reads afterwards (stat does not follow links) to verify.
      `runuser -u "$U" -- sh -c ${shellQuote(writeKeysAsUser)} sh "$home" ${want.map(shellQuote).join(' ')} || fail "cannot write $f as $U (is ~$U/.ssh owned by $U?)"`,
      `${content} | cmp -s - "$f" && [ "$(stat -c '%a %U %F' "$f")" = "600 $U regular file" ] && [ "$(stat -c '%a %U %F' "$d")" = "700 $U directory" ] || fail "$f is not as declared after writing it"`,
    ].join('\n'),
    mutating: true,
    timeoutMs,
    eventReason: 'AuthorizedKeysWritten',
  };
}
