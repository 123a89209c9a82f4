// A small flag parser for the `bramble` subcommands: `--name value`, `--name=value` and
// boolean `--flag`. Unknown flags are errors, so a typo never silently does something else.
export interface FlagSpec {
  [name: string]: 'string' | 'boolean';
}

export type Flags = Record<string, string | boolean | undefined>;

export function parseFlags(argv: string[], spec: FlagSpec): Flags {
  const out: Flags = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/.exec(arg);
    if (!m) throw new Error(`unexpected argument "${arg}"`);
    const name = m[1]!;
    const kind = spec[name];
    if (!kind) throw new Error(`unknown flag --${name}`);
    if (kind === 'boolean') {
      if (m[2] !== undefined && m[2] !== 'true' && m[2] !== 'false') throw new Error(`--${name} takes no value`);
      out[name] = m[2] !== 'false';
    } else if (m[2] !== undefined) out[name] = m[2];
    else {
      const value = argv[++i];
      if (value === undefined) throw new Error(`--${name} needs a value`);
      out[name] = value;
    }
  }
  return out;
}

/**
 * Splits argv into the flags `spec` knows (parsed) and everything else, passed on untouched
 * (`--x value` pairs stay together) for another parser.
 */
export function splitFlags(argv: string[], spec: FlagSpec): { own: Flags; rest: string[] } {
  const mine: string[] = [];
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(arg);
    const target = m && spec[m[1]!] ? mine : rest;
    target.push(arg);
    const takesValue = m && m[2] === undefined && (spec[m[1]!] ? spec[m[1]!] === 'string' : !argv[i + 1]?.startsWith('--'));
    if (takesValue && argv[i + 1] !== undefined) target.push(argv[++i]!);
  }
  return { own: parseFlags(mine, spec), rest };
}
