// What every `bramble` subcommand is: its usage text, its flags and what it does with them.
// main.ts parses each one the same way (cli/args.ts), so --help, --version and errors agree.
import type { FlagSpec, ParsedCommandLine } from '../controllers/command-line.ts';

export interface Command {
  /** One line for `bramble help`. */
  summary: string;
  /** The full usage text, starting with `Usage: bramble NAME …`. */
  usage: string;
  flags: FlagSpec;
  /** How many positional arguments the command takes (default 0). */
  positionals?: number;
  run(parsed: ParsedCommandLine): Promise<void>;
}
