// No lockout: bramble must always be able to log in to its own Pi again. A spec that lists the
// SSH login user (spec.ssh.user) may not drop the key bramble logs in with from that user's
// authorized_keys (an empty list included), nor give it a shell that cannot run commands:
// bramble runs every command as `SHELL -c 'sudo sh -s'`, so /usr/sbin/nologin, /bin/false or
// /bin/true there leave the Pi reachable only with a keyboard and a screen. Refused before
// anything is sent; a login user the spec does not list is never touched (bramble does not
// remove users). Pure, apart from deriving the public half of the private key.
import ssh2 from 'ssh2';
import type { PiNodeSpec } from './pinode-types.ts';

/**
 * Shells bramble can run `-c COMMAND` with. An allow-list rather than a deny-list of nologin and
 * false: a typo'd or unknown program as the login shell is as much a lockout as nologin.
 */
export const loginShells: readonly string[] = [
  'sh',
  'bash',
  'dash',
  'zsh',
  'ksh',
  'ksh93',
  'mksh',
  'ash',
  'busybox',
  'fish',
  'tcsh',
  'csh',
];

/** "TYPE BASE64" of the public half of an OpenSSH/PEM private key, or undefined when unparseable. */
export function publicKeyOf(privateKey: string): string | undefined {
  let parsed: ReturnType<typeof ssh2.utils.parseKey>;
  try {
    parsed = ssh2.utils.parseKey(privateKey);
  } catch {
    return undefined;
  }
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return undefined;
  return `${key.type} ${key.getPublicSSH().toString('base64')}`;
}

/** An authorized_keys line's "TYPE BASE64", the comment dropped (the spec's pattern allows no options). */
function keyIdentity(line: string): string {
  const [type, blob] = line.trim().split(/\s+/);
  return `${type ?? ''} ${blob ?? ''}`;
}

/** Why applying `spec` would lock bramble out of the Pi; empty when it would not. */
export function lockoutProblems(spec: PiNodeSpec, privateKey: string): string[] {
  const login = spec.ssh.user ?? 'pi';
  const user = (spec.users ?? []).find((u) => u.name === login);
  if (!user) return [];
  const problems: string[] = [];
  if (user.authorizedKeys !== undefined) {
    const own = publicKeyOf(privateKey);
    const listed = user.authorizedKeys.map(keyIdentity);
    if (!own || !listed.includes(own)) {
      problems.push(
        `spec.users[${login}].authorizedKeys would replace ${login}'s authorized_keys without the key bramble logs in with` +
          ` (${own ?? 'the key in spec.ssh.privateKeySecretRef'}); add that key to the list, or leave authorizedKeys out to keep the file as it is`,
      );
    }
  }
  if (user.shell !== undefined) {
    const base = user.shell.slice(user.shell.lastIndexOf('/') + 1);
    if (!loginShells.includes(base)) {
      problems.push(
        `spec.users[${login}].shell ${user.shell} cannot run the commands bramble logs in to run; ` +
          `the login user's shell must be one of ${loginShells.join(', ')}`,
      );
    }
  }
  return problems;
}
