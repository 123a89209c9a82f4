// Every `bramble` subcommand, by name (the order `bramble help` lists them in).
import type { Command } from './command.ts';
import { controlplaneCommand } from './controlplane.ts';
import { planCommand } from './plan.ts';
import { runCommand } from './run.ts';
import { addPiCommand } from './add-pi.ts';
import { statusCommand } from './status.ts';

export const COMMANDS: Record<string, Command> = {
  run: runCommand,
  controlplane: controlplaneCommand,
  plan: planCommand,
  'add-pi': addPiCommand,
  status: statusCommand,
};
