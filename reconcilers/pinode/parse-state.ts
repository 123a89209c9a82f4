// The current configuration of a Pi (what the spec can ask for) from the sections of an observe
// blob. Pure; `plan` compares this with the spec.
import { sectionText, type Sections } from '../shared/parse-sections.ts';

export interface ObservedPath {
  /** As stat's %F prints it: "directory", "regular file", "symbolic link", … */
  type: string;
  /** Octal permission bits without leading zeros, e.g. "700". */
  mode: string;
  owner: string;
}

export interface ObservedUser {
  exists: boolean;
  home?: string;
  shell?: string;
  groups: string[];
  sshDir?: ObservedPath;
  keysFile?: ObservedPath;
  /** Non-empty lines of authorized_keys; empty when the file is absent. */
  authorizedKeys: string[];
}

export interface ObservedState {
  /** The kernel's hostname (`hostname`). */
  hostname?: string;
  /** First word of /etc/hostname. */
  etcHostname?: string;
  /** Host names on the 127.0.1.1 lines of /etc/hosts, in order. */
  loopbackNames: string[][];
  /** /etc/timezone. */
  etcTimezone?: string;
  /** The zone /etc/localtime links to ("Europe/Berlin"), when it is a zoneinfo link. */
  localtimeZone?: string;
  users: ReadonlyMap<string, ObservedUser>;
  /** Which of the declared groups exist (getent group). */
  existingGroups: ReadonlySet<string>;
  installedPackages: ReadonlySet<string>;
}

function parseStatLine(line: string): { path: string; info: ObservedPath } | undefined {
  const parts = line.split('|');
  if (parts.length < 4) return undefined;
  const [type, mode, owner] = parts.slice(-3) as [string, string, string];
  return { path: parts.slice(0, -3).join('|'), info: { type, mode, owner } };
}

function parseUser(sections: Sections, name: string): ObservedUser {
  const passwd = sectionText(sections, `user-passwd ${name}`)?.split('\n')[0]?.split(':');
  const user: ObservedUser = { exists: passwd !== undefined && passwd.length >= 7, groups: [], authorizedKeys: [] };
  if (!user.exists || !passwd) return user;
  user.home = passwd[5];
  user.shell = passwd[6];
  user.groups = (sectionText(sections, `user-groups ${name}`) ?? '').split(/\s+/).filter(Boolean);
  for (const line of (sectionText(sections, `user-ssh ${name}`) ?? '').split('\n')) {
    const stat = parseStatLine(line);
    if (stat?.path.endsWith('/.ssh/authorized_keys')) user.keysFile = stat.info;
    else if (stat?.path.endsWith('/.ssh')) user.sshDir = stat.info;
  }
  user.authorizedKeys = authorizedKeyLines(sectionText(sections, `user-keys ${name}`) ?? '');
  return user;
}

/** The lines sshd reads: blank lines do not count as drift. */
export function authorizedKeyLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
}

function zoneOfLink(target: string | undefined): string | undefined {
  const m = /(?:^|\/)zoneinfo\/(.+)$/.exec(target ?? '');
  return m?.[1];
}

function installedPackages(text: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const line of (text ?? '').split('\n')) {
    const [name, abbrev] = line.split('\t');
    // db:Status-Abbrev is want/state/error: the second letter "i" means installed.
    if (name && abbrev?.[1] === 'i') out.add(name.trim());
  }
  return out;
}

export function parseState(sections: Sections, userNames: readonly string[]): ObservedState {
  const hosts = sectionText(sections, 'etc-hosts-127.0.1.1') ?? '';
  const state: ObservedState = {
    loopbackNames: hosts
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim().split(/\s+/).slice(1))
      .filter((names) => names.length > 0),
    users: new Map(userNames.map((n) => [n, parseUser(sections, n)])),
    existingGroups: new Set(
      (sectionText(sections, 'groups') ?? '')
        .split('\n')
        .map((l) => l.split(':')[0] ?? '')
        .filter(Boolean),
    ),
    installedPackages: installedPackages(sectionText(sections, 'packages')),
  };
  const hostname = sectionText(sections, 'hostname');
  if (hostname) state.hostname = hostname;
  const etcHostname = sectionText(sections, 'etc-hostname')?.split(/\s+/)[0];
  if (etcHostname) state.etcHostname = etcHostname;
  const etcTimezone = sectionText(sections, 'etc-timezone');
  if (etcTimezone) state.etcTimezone = etcTimezone;
  const zone = zoneOfLink(sectionText(sections, 'localtime'));
  if (zone) state.localtimeZone = zone;
  return state;
}
