// The client compatibility suite's harness: a real `bramble controlplane` process (in memory,
// the kubeconfig it writes), the CRDs installed with kubectl, and the real clients run against
// it — kubectl and helm (setup takes both from the npm package kubectl comes from) and Debian's
// python3-kubernetes. One control plane per test file; close() stops it and removes its files.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, runKubectl, startBrambleProcess, toolPath, type BrambleProcess, type KubectlResult } from '../controlplane/harness.ts';

export const CLIENT_FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** The Python that has python3-kubernetes: $PYTHON, else Debian's own. */
export function pythonPath(): string {
  return process.env.PYTHON ?? '/usr/bin/python3';
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv, stdin?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { env, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}

export interface ClientsControlPlane {
  kubeconfig: string;
  dir: string;
  bramble: BrambleProcess;
  kubectl(args: string[], stdin?: string): Promise<KubectlResult>;
  helm(args: string[]): Promise<KubectlResult>;
  python(script: string, args: string[]): Promise<KubectlResult>;
  /** The control plane process's resident memory, MiB. */
  rssMiB(): number;
  close(): Promise<void>;
}

export async function startClientsControlPlane(): Promise<ClientsControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'bramble-clients-'));
  const kubeconfig = join(dir, 'kubeconfig');
  let bramble: BrambleProcess;
  try {
    bramble = await startBrambleProcess(['controlplane', '--in-memory', '--listen', '127.0.0.1:0', '--kubeconfig-out', kubeconfig], dir);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const kubectl = (args: string[], stdin?: string) => runKubectl(kubeconfig, args, stdin);
  const crds = await kubectl(['apply', '-f', join(REPO_ROOT, 'crds')]);
  if (crds.code !== 0) {
    await bramble.stop();
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`installing the CRDs failed: ${crds.stderr}`);
  }
  const helmEnv = {
    ...process.env,
    KUBECONFIG: kubeconfig,
    HOME: dir,
    HELM_CONFIG_HOME: join(dir, 'helm', 'config'),
    HELM_CACHE_HOME: join(dir, 'helm', 'cache'),
    HELM_DATA_HOME: join(dir, 'helm', 'data'),
  };
  return {
    kubeconfig,
    dir,
    bramble,
    kubectl,
    helm: (args) => run(toolPath('helm', 'HELM'), args, helmEnv),
    python: (script, args) =>
      run(pythonPath(), [join(CLIENT_FIXTURES, script), ...args], {
        ...process.env,
        KUBECONFIG: kubeconfig,
        HOME: dir,
        PYTHONDONTWRITEBYTECODE: '1',
      }),
    rssMiB: () => {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${bramble.child.pid}/status`, 'utf8'))?.[1] ?? 0);
      return Math.round(kb / 102.4) / 10;
    },
    close: async () => {
      await bramble.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
