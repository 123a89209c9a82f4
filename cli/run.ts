// `bramble run`: the operator. With no cluster configured it brings its own control plane.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installCrds, readCrdDocuments, type ControlPlane } from '../controlplane/index.ts';
import { kubeConfigFromString, type KubeConfig } from '../controllers/kubeconfig.ts';
import { splitFlags } from './args.ts';
import { startBrambleOperator } from './operator.ts';
import { flagUsage } from '../controllers/operator-main.ts';
import { CONTROLPLANE_FLAGS, startFromFlags } from './controlplane.ts';
import { stopOnSignals } from '../controllers/signals.ts';

export const RUN_USAGE = `Usage: bramble run [control plane flags] [operator flags]
  With no --kubeconfig, no KUBECONFIG and no in-cluster service account, starts the embedded
  control plane (in ~/.bramble or --data-dir), installs the CRDs, starts the operator on it and
  prints the line to use it. Control plane flags: --data-dir, --listen, --kubeconfig-out,
  --in-memory (see below). Operator flags:
${flagUsage}`;

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
 * Starts the operator (informers, work queues, reconcilers, SSH; see `operator.ts`) against
 * the embedded control plane, or against the cluster its own flags or environment name.
 */
export async function startOperator(operatorArgv: string[], embedded?: ControlPlane): Promise<{ stop(): Promise<void> }> {
  const kubeConfig: KubeConfig | undefined = embedded ? kubeConfigFromString(embedded.kubeconfig()) : undefined;
  return startBrambleOperator({ argv: operatorArgv, kubeConfig });
}

function flagValue(argv: string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return undefined;
}

export async function runCommand(argv: string[]): Promise<void> {
  // Control-plane flags are ours; every other flag is the operator's (see `bramble help`).
  const { own: flags, rest: operatorArgv } = splitFlags(argv, CONTROLPLANE_FLAGS);
  const existing = configuredCluster({ kubeconfig: flagValue(operatorArgv, 'kubeconfig') }, process.env, existsSync(IN_CLUSTER_TOKEN));
  if (existing) {
    process.stderr.write(`bramble: using the cluster from ${existing}\n`);
    const operator = await startOperator(operatorArgv);
    stopOnSignals(() => operator.stop());
    return;
  }
  const started = await startFromFlags(flags);
  const { cp, kubeconfigPath } = started;
  const crds = existsSync(CRD_DIR) ? readCrdDocuments(CRD_DIR) : [];
  const installed = await installCrds(cp, crds);
  const operator = await startOperator(operatorArgv, cp);
  stopOnSignals(async () => {
    await operator.stop();
    await started.stop();
  });
  process.stderr.write(`bramble: embedded control plane at ${cp.url}; CRDs installed: ${installed.length ? installed.join(', ') : 'none found in crds/'}\n`);
  process.stdout.write(`export KUBECONFIG=${kubeconfigPath}\n`);
}
