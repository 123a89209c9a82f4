// Composition root of the `bramble` command: parses the subcommand and hands over.
const [command = 'help'] = process.argv.slice(2);

const usage = `bramble — declared state for clusters of Raspberry Pis

Usage:
  bramble run            run the operator (on the embedded control plane when no cluster is configured)
  bramble controlplane   run only the embedded control plane
  bramble help           this text
`;

switch (command) {
  case 'help':
  case '--help':
  case '-h':
    process.stdout.write(usage);
    break;
  default:
    process.stderr.write(`bramble: unknown command "${command}"\n\n${usage}`);
    process.exitCode = 2;
}
