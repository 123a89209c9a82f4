// Composition root of the `bramble` command: parses the subcommand and hands over.
import { controlplaneCommand, CONTROLPLANE_USAGE } from './controlplane.ts';
import { runCommand, RUN_USAGE } from './run.ts';
import { planCommand, PLAN_USAGE } from './plan.ts';

const [command = 'help', ...rest] = process.argv.slice(2);

const usage = `bramble — declared state for clusters of Raspberry Pis

Usage:
  bramble run            run the operator (on the embedded control plane when no cluster is configured)
  bramble controlplane   run only the embedded control plane
  bramble plan -f FILE   show what bramble would change on each Pi for FILE, changing nothing
  bramble help           this text

${RUN_USAGE}
${CONTROLPLANE_USAGE}
${PLAN_USAGE}`;

async function main(): Promise<void> {
  switch (command) {
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(usage);
      return;
    case 'run':
      return runCommand(rest);
    case 'controlplane':
      return controlplaneCommand(rest);
    case 'plan':
      return planCommand(rest);
    default:
      process.stderr.write(`bramble: unknown command "${command}"\n\n${usage}`);
      process.exitCode = 2;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bramble: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
