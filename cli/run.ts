// `bramble run`: the operator. With no cluster configured it brings its own control plane.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { installCrds, readCrdDocuments, type ControlPlane } from '../controlplane/index.ts';
import { kubeConfigFromString, type KubeConfig } from '../controllers/kubeconfig.ts';
import { flagsToArgv } from '../controllers/command-line.ts';
import type { Command } from './command.ts';
import { startBrambleOperator } from './operator.ts';
import { flagUsage } from '../controllers/operator-main.ts';
import { MANAGER_FLAGS } from '../controllers/flags.ts';
import { CONTROLPLANE_FLAGS, startFromFlags } from './controlplane.ts';
import { stopOnSignals } from '../controllers/signals.ts';

export const RUN_USAGE = `Usage: bramble run [control plane flags] [operator flags]
  With no --kubeconfig, no KUBECONFIG and no in-cluster service account, starts the embedded
  control plane (in ~/.bramble or --data-dir), installs the CRDs, starts the operator on it and
  prints the line to use it. Control plane flags: --data-dir, --listen, --kubeconfig-out,
  --in-memory (see bramble help controlplane). Operator flags:
${flagUsage}`;

const CRD_DIR = fileURLToPath(new URL('../crds/', import.meta.url));
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Whether a cluster is already configured, in the order client-go looks. */
export function configuredCluster(
  flags: { kubeconfig?: string },
  env: NodeJS.ProcessEnv,
  inClusterTokenExists: boolean,
): string | undefined {
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

export const runCommand: Command = {
  summary: 'run the operator (on the embedded control plane when no cluster is configured)',
  usage: RUN_USAGE,
  flags: { ...CONTROLPLANE_FLAGS, ...MANAGER_FLAGS },
  run: async ({ values }) => {
    // Control-plane flags are ours; the operator's parser gets its own (see `bramble help run`).
    const operatorArgv = flagsToArgv(values, MANAGER_FLAGS);
    const kubeconfig = typeof values.kubeconfig === 'string' ? values.kubeconfig : undefined;
    const existing = configuredCluster({ kubeconfig }, process.env, existsSync(IN_CLUSTER_TOKEN));
    if (existing) {
      process.stderr.write(`bramble: using the cluster from ${existing}\n`);
      const operator = await startOperator(operatorArgv);
      stopOnSignals(() => operator.stop());
      return;
    }
    const started = await startFromFlags(values);
    const { cp, kubeconfigPath } = started;
    const crds = existsSync(CRD_DIR) ? readCrdDocuments(CRD_DIR) : [];
    const installed = await installCrds(cp, crds);
    const operator = await startOperator(operatorArgv, cp);
    stopOnSignals(async () => {
      await operator.stop();
      await started.stop();
    });
    process.stderr.write(
      `bramble: embedded control plane at ${cp.url}; CRDs installed: ${installed.length ? installed.join(', ') : 'none found in crds/'}\n`,
    );
    process.stdout.write(`export KUBECONFIG=${kubeconfigPath}\n`);
  },
};
