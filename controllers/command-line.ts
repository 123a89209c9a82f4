// The one flag parser of every `bramble` command and of the operator: Node's `util.parseArgs`
// (strict), with `--help`/`-h` and `--version` on every command, errors that name the flag, and
// controller-runtime's explicit booleans (`--leader-elect=true|false`), which parseArgs lacks.
import { parseArgs } from 'node:util';

export interface FlagDef {
  type: 'string' | 'boolean';
  short?: string;
}

export type FlagSpec = Record<string, FlagDef>;

export type FlagValues = Record<string, string | boolean | undefined>;

export interface ParsedCommandLine {
  values: FlagValues;
  positionals: string[];
  help: boolean;
  version: boolean;
}

/** A mistake on the command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

const COMMON: FlagSpec = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' } };

/** `--flag=true` → `--flag`; `--flag=false` → removed and remembered as false. */
function explicitBooleans(argv: readonly string[], spec: FlagSpec): { argv: string[]; falses: string[] } {
  const out: string[] = [];
  const falses: string[] = [];
  for (const arg of argv) {
    const m = /^--([^=]+)=(.*)$/s.exec(arg);
    if (!m || spec[m[1]!]?.type !== 'boolean') {
      out.push(arg);
      continue;
    }
    const [, name, value] = m as unknown as [string, string, string];
    if (value === 'true') out.push(`--${name}`);
    else if (value === 'false') falses.push(name);
    else throw new UsageError(`--${name} takes true or false, not "${value}"`);
  }
  return { argv: out, falses };
}

/** parseArgs' errors, reworded to name the flag the way the rest of bramble's messages do. */
function usageErrorFrom(err: Error & { code?: string }): UsageError {
  const named = /'(-[^' ]*)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown flag ${named}`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return new UsageError(/does not take an argument/.test(err.message) ? `${named} takes no value` : `${named} needs a value`);
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new UsageError(`unexpected argument "${/'([^']*)'/.exec(err.message)?.[1]}"`);
    default:
      return new UsageError(err.message);
  }
}

/**
 * Parses `argv` against `spec` (plus --help, -h and --version). Unknown flags, missing values
 * and more than `maxPositionals` positional arguments are UsageErrors naming what was wrong.
 */
export function parseCommandLine(argv: readonly string[], spec: FlagSpec, maxPositionals = 0): ParsedCommandLine {
  const options = { ...spec, ...COMMON };
  const { argv: normalised, falses } = explicitBooleans(argv, options);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: normalised, options, strict: true, allowPositionals: maxPositionals > 0 });
  } catch (err) {
    throw usageErrorFrom(err as Error & { code?: string });
  }
  const { help, version, ...values } = parsed.values as FlagValues;
  for (const name of falses) values[name] = false;
  if (parsed.positionals.length > maxPositionals && !help && !version) {
    throw new UsageError(`unexpected argument "${parsed.positionals[maxPositionals]}"`);
  }
  return { values, positionals: parsed.positionals, help: help === true, version: version === true };
}

/** Flags back to argv (`--name=value`), for handing a subset on to another command's parser. */
export function flagsToArgv(values: FlagValues, spec: FlagSpec): string[] {
  return Object.keys(spec).flatMap((name) => {
    const value = values[name];
    if (value === undefined) return [];
    return [`--${name}=${String(value)}`];
  });
}
