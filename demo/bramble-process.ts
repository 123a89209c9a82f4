// `bramble run` as its own process on an in-memory embedded control plane, the way a user starts
// it: the demo waits for the line that says where its kubeconfig is, and stops it by its PID.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const bramble = fileURLToPath(new URL('../bin/bramble.js', import.meta.url));

export interface BrambleProcess {
  kubeconfigPath: string;
  logPath: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startBramble(dir: string, timeoutMs = 60_000): Promise<BrambleProcess> {
  const kubeconfigPath = join(dir, 'kubeconfig');
  const logPath = join(dir, 'bramble.log');
  // No KUBECONFIG: `bramble run` then brings its own control plane.
  const { KUBECONFIG: _ignored, ...env } = process.env;
  const child = spawn(
    process.execPath,
    [
      bramble,
      'run',
      '--in-memory',
      '--listen',
      '127.0.0.1:0',
      '--kubeconfig-out',
      kubeconfigPath,
      '--metrics-bind-address',
      '127.0.0.1:0',
      '--health-probe-bind-address',
      '127.0.0.1:0',
      '--log-level',
      'warn',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const log = createWriteStream(logPath);
  child.stderr.pipe(log);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`bramble run did not start within ${timeoutMs} ms (log: ${logPath})`)), timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes(`export KUBECONFIG=${kubeconfigPath}`)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`bramble run exited with ${code} before it was ready (log: ${logPath})`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { kubeconfigPath, logPath, child, stop };
}
