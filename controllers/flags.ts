// The operator's command-line flags, spelled as controller-runtime operators spell them so
// Kubernetes users (and their Deployment manifests) need nothing new.
import { isLogLevel, type LogLevel } from './logger.ts';
import { parseCommandLine, UsageError, type FlagSpec, type FlagValues } from './command-line.ts';

export interface ManagerFlags {
  kubeconfig?: string;
  /** One namespace to watch; undefined = all namespaces. */
  namespace?: string;
  leaderElect: boolean;
  leaderElectionNamespace?: string;
  leaderElectionId: string;
  metricsBindAddress: string;
  healthProbeBindAddress: string;
  logLevel: LogLevel;
}

export const flagUsage = `  --kubeconfig PATH                  kubeconfig to use (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  --namespace NS                     watch only this namespace (default: all)
  --leader-elect[=true|false]        only one replica reconciles at a time (default false)
  --leader-election-namespace NS     namespace of the Lease (default: --namespace, else "default")
  --leader-election-id NAME          name of the Lease (default "bramble-operator")
  --metrics-bind-address ADDR        /metrics listener, "0" disables (default ":8080")
  --health-probe-bind-address ADDR   /healthz and /readyz listener, "0" disables (default ":8081")
  --log-level debug|info|warn|error  (default "info")
`;

export const MANAGER_FLAGS = {
  kubeconfig: { type: 'string' },
  namespace: { type: 'string' },
  'leader-elect': { type: 'boolean' },
  'leader-election-namespace': { type: 'string' },
  'leader-election-id': { type: 'string' },
  'metrics-bind-address': { type: 'string' },
  'health-probe-bind-address': { type: 'string' },
  'log-level': { type: 'string' },
} as const satisfies FlagSpec;

/** Parses the operator's flags (see `parseCommandLine`); mistakes are UsageErrors. */
export function parseManagerFlags(argv: readonly string[]): ManagerFlags {
  return managerFlagsFrom(parseCommandLine(argv, MANAGER_FLAGS).values);
}

/** Parsed flag values to the manager's settings, with controller-runtime's defaults. */
export function managerFlagsFrom(values: FlagValues): ManagerFlags {
  const text = (name: keyof typeof MANAGER_FLAGS): string | undefined => values[name] as string | undefined;
  const logLevel = text('log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be debug, info, warn or error, not "${logLevel}"`);
  const namespace = text('namespace');
  return {
    kubeconfig: text('kubeconfig') || undefined,
    namespace: namespace === '' ? undefined : namespace,
    leaderElect: values['leader-elect'] === true,
    leaderElectionNamespace: text('leader-election-namespace') || undefined,
    leaderElectionId: text('leader-election-id') || 'bramble-operator',
    metricsBindAddress: text('metrics-bind-address') ?? ':8080',
    healthProbeBindAddress: text('health-probe-bind-address') ?? ':8081',
    logLevel,
  };
}
