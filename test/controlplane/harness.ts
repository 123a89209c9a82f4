// Test harness for the control plane conformance suite: starts an embedded control plane
// on a random loopback port, writes its kubeconfig to a temporary directory, and runs the
// real kubectl against it. Everything it starts is stopped by `close()`.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane, type ControlPlaneOptions } from '../../controlplane/index.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** A tool from $ENV, else the project-local .tools/bin (scripts/setup/10-kubectl.sh), else PATH. */
export function toolPath(name: string, env: string): string {
  if (process.env[env]) return process.env[env]!;
  const local = join(REPO_ROOT, '.tools', 'bin', name);
  return existsSync(local) ? local : name;
}

/** kubectl from $KUBECTL, else the project-local .tools/bin/kubectl, else PATH. */
export function kubectlPath(): string {
  return toolPath('kubectl', 'KUBECTL');
}

/** The kubectl arguments that create the SSH key Secret the test PiNodes name, from a private key file. */
export function sshKeySecretArgs(keyFile: string): string[] {
  return ['create', 'secret', 'generic', 'bramble-ssh-key', '--type', 'kubernetes.io/ssh-auth', `--from-file=ssh-privatekey=${keyFile}`];
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestControlPlane {
  cp: ControlPlane;
  dir: string;
  kubeconfigPath: string;
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  close(): Promise<void>;
}

export function runKubectl(kubeconfigPath: string, args: string[], stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      kubectlPath(),
      args,
      {
        env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: join(kubeconfigPath, '..') },
        timeout: 60_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

export async function startTestControlPlane(options: Partial<ControlPlaneOptions> = {}): Promise<TestControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-cp-test-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  let cp: ControlPlane;
  try {
    cp = await startControlPlane({ inMemory: true, listen: '127.0.0.1:0', ...options });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  writeFileSync(kubeconfigPath, cp.kubeconfig());
  return {
    cp,
    dir,
    kubeconfigPath,
    kubectl: (args, stdin) => runKubectl(kubeconfigPath, args, stdin),
    close: async () => {
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): Record<string, unknown>;
}

/** One HTTPS request to the control plane, trusting its CA. */
export function api(
  cp: ControlPlane,
  method: string,
  path: string,
  body?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, cp.url),
      {
        method,
        ca: cp.caCertPem,
        headers: { Authorization: `Bearer ${cp.token}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface BrambleProcess {
  child: ChildProcess;
  /** The path from the printed `export KUBECONFIG=…` line. */
  kubeconfig: string;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends `signal` (default SIGTERM) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs `bin/bramble.js ARGS` with HOME=home and no cluster configured, until it prints its export line. */
export async function startBrambleProcess(args: string[], home: string): Promise<BrambleProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home };
  delete env.KUBECONFIG;
  delete env.KUBERNETES_SERVICE_HOST;
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'bramble.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  try {
    const kubeconfig = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no export line within 30 s; stderr: ${stderr}`)), 30_000);
      const look = () => {
        const m = /^export KUBECONFIG=(.+)$/m.exec(stdout);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      child.stdout.on('data', look);
      child.on('exit', () => reject(new Error(`bramble exited early: ${stderr}`)));
    });
    return { child, kubeconfig, output: () => ({ stdout, stderr }), stop };
  } catch (err) {
    await stop('SIGKILL');
    throw err;
  }
}
