// Composition root of the `bramble` command: the subcommands, dispatched by cli/dispatch.ts.
import { COMMANDS } from './commands.ts';
import { dispatch } from './dispatch.ts';

dispatch(process.argv.slice(2), COMMANDS, {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
}).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`bramble: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
