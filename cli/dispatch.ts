// Turns `bramble ARGS` into one command's run, or into help, the version or a usage error;
// pure apart from the two output streams, so every command's --help and mistakes are testable.
import { parseCommandLine, UsageError } from '../controllers/command-line.ts';
import type { Command } from './command.ts';
import { BRAMBLE_VERSION } from './version.ts';

export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export function overview(commands: Record<string, Command>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  const lines = Object.entries(commands).map(([name, c]) => `  bramble ${name.padEnd(width)}   ${c.summary}`);
  return `bramble ${BRAMBLE_VERSION} — declared state for clusters of Raspberry Pis

Usage:
${lines.join('\n')}
  bramble help [COMMAND]   this text, or one command's
  bramble --version        the version

Every command takes --help (-h). \`bramble help run\` lists the operator's flags.
`;
}

/** Runs the command `argv` names; resolves to the exit code (0, or 2 for bad usage). */
export async function dispatch(argv: readonly string[], commands: Record<string, Command>, io: Output): Promise<number> {
  const [name = 'help', ...rest] = argv;
  if (name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) io.out(overview(commands));
    else if (Object.hasOwn(commands, topic)) io.out(commands[topic]!.usage);
    else return usageError(`unknown command "${topic}"`, overview(commands), io, 'bramble help');
    return 0;
  }
  if (name === '--version') {
    io.out(`bramble ${BRAMBLE_VERSION}\n`);
    return 0;
  }
  if (!Object.hasOwn(commands, name)) return usageError(`unknown command "${name}"`, overview(commands), io, 'bramble');
  const command = commands[name]!;
  try {
    const parsed = parseCommandLine(rest, command.flags, command.positionals ?? 0);
    if (parsed.help) io.out(command.usage);
    else if (parsed.version) io.out(`bramble ${BRAMBLE_VERSION}\n`);
    else await command.run(parsed);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageError(err.message, command.usage, io, `bramble ${name}`);
    throw err;
  }
}

function usageError(message: string, usage: string, io: Output, who: string): number {
  io.err(`${who}: ${message}\n\n${usage}`);
  return 2;
}
