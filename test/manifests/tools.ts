// Where the manifest tests find the repository and the command-line tools they drive. A
// missing tool fails the test with the name of the setup script that installs it.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function repoPath(...parts: string[]): string {
  return join(repoRoot, ...parts);
}

function onPath(command: string): boolean {
  return spawnSync(command, ['--help'], { stdio: 'ignore' }).error === undefined;
}

/** A tool from its environment variable (KUBECTL, HELM), then .tools/bin/, then PATH. */
function localTool(name: string, variable: string): string {
  if (process.env[variable]) return process.env[variable];
  const local = repoPath('.tools', 'bin', name);
  if (existsSync(local)) return local;
  if (onPath(name)) return name;
  throw new Error(`${name} not found: set ${variable}, run scripts/setup/10-kubectl.sh (installs into .tools/bin), or install it on PATH`);
}

export const kubectlPath = (): string => localTool('kubectl', 'KUBECTL');
export const helmPath = (): string => localTool('helm', 'HELM');

export function requireTool(command: string, installedBy: string): string {
  if (!onPath(command)) throw new Error(`${command} not found; run ${installedBy} (as root)`);
  return command;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with a timeout; never throws on a non-zero exit. */
export function run(command: string, args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): RunResult {
  const res = spawnSync(command, args, {
    cwd: options.cwd,
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.error) throw res.error;
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

/** Like run, without blocking the event loop (for servers running in this process). */
export function runAsync(
  command: string,
  args: string[],
  options: { cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}
