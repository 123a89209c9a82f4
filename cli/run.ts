// `bramble run`: the operator. With no cluster configured it brings its own control plane.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installCrds, readCrdDocuments, type ControlPlane } from '../controlplane/index.ts';
import { parseFlags } from './args.ts';
import { CONTROLPLANE_FLAGS, startFromFlags, stopOnSignals } from './controlplane.ts';

export const RUN_USAGE = `Usage: bramble run [--kubeconfig FILE] [--data-dir DIR] [--listen HOST:PORT] [--kubeconfig-out FILE] [--in-memory]
  With no --kubeconfig, no KUBECONFIG and no in-cluster service account, starts the embedded
  control plane (in ~/.bramble or --data-dir), installs the CRDs and prints the line to use it.
`;

const CRD_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Whether a cluster is already configured, in the order client-go looks. */
export function configuredCluster(flags: { kubeconfig?: string }, env: NodeJS.ProcessEnv, inClusterTokenExists: boolean): string | undefined {
  if (flags.kubeconfig) return `--kubeconfig ${flags.kubeconfig}`;
  if (env.KUBECONFIG) return `KUBECONFIG=${env.KUBECONFIG}`;
  if (env.KUBERNETES_SERVICE_HOST && inClusterTokenExists) return 'in-cluster service account';
  return undefined;
}

/**
 * Where the operator starts: informers, work queues and reconcilers (`controllers/`) are
 * wired here once they exist. Until then the control plane runs on its own.
 */
export async function startOperator(target: { kubeconfig?: string; embedded?: ControlPlane }): Promise<{ stop(): Promise<void> }> {
  void target;
  return { stop: async () => {} };
}

export async function runCommand(argv: string[]): Promise<void> {
  const flags = parseFlags(argv, { ...CONTROLPLANE_FLAGS, kubeconfig: 'string' });
  const kubeconfig = flags.kubeconfig === undefined ? undefined : String(flags.kubeconfig);
  const existing = configuredCluster({ kubeconfig }, process.env, existsSync(IN_CLUSTER_TOKEN));
  if (existing) {
    process.stdout.write(`bramble: using the cluster from ${existing}\n`);
    const operator = await startOperator({ kubeconfig: kubeconfig ?? process.env.KUBECONFIG });
    stopOnSignals(() => operator.stop());
    return;
  }
  const { cp, kubeconfigPath } = await startFromFlags(flags);
  const crds = existsSync(CRD_DIR) ? readCrdDocuments(CRD_DIR) : [];
  const installed = await installCrds(cp, crds);
  const operator = await startOperator({ embedded: cp });
  stopOnSignals(async () => {
    await operator.stop();
    await cp.stop();
  });
  process.stderr.write(`bramble: embedded control plane at ${cp.url}; CRDs installed: ${installed.length ? installed.join(', ') : 'none found in crds/'}\n`);
  process.stdout.write(kubeconfigPath ? `export KUBECONFIG=${kubeconfigPath}\n` : `# in-memory control plane; kubeconfig:\n${cp.kubeconfig()}`);
}
