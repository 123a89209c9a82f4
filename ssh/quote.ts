// The one shell-quoting function: every value that reaches a remote shell goes through it.
// POSIX single quotes keep every byte literal except the single quote itself, which is
// closed, emitted as \' and reopened. NUL cannot be passed in a shell word at all.

/** `value` as one POSIX shell word, byte-identical after the shell parses it. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell word cannot contain NUL');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A command fragment that is already shell syntax (trusted, never user input). */
export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks trusted shell syntax so `sh` inserts it unquoted. */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

type ShellArg = string | number | ShellFragment | readonly (string | number)[];

/**
 * Builds a command from a template: every interpolated value is quoted (arrays become several
 * words), except fragments made with `raw`.
 *   sh`install -m 0644 ${src} ${dest}`
 */
export function sh(strings: TemplateStringsArray, ...args: ShellArg[]): string {
  let out = strings[0] ?? '';
  args.forEach((arg, i) => {
    out += quoteArg(arg) + (strings[i + 1] ?? '');
  });
  return out;
}

function quoteArg(arg: ShellArg): string {
  if (arg instanceof ShellFragment) return arg.text;
  if (Array.isArray(arg)) return arg.map((a) => shellQuote(String(a))).join(' ');
  return shellQuote(String(arg));
}
