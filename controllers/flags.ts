// The operator's command-line flags, spelled as controller-runtime operators spell them so
// Kubernetes users (and their Deployment manifests) need nothing new.
import { isLogLevel, type LogLevel } from './logger.ts';

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

const booleans = new Set(['leader-elect']);
const strings = new Set([
  'kubeconfig',
  'namespace',
  'leader-election-namespace',
  'leader-election-id',
  'metrics-bind-address',
  'health-probe-bind-address',
  'log-level',
]);

export class FlagError extends Error {}

/** Parses `--flag value`, `--flag=value` and bare booleans; unknown flags are an error. */
export function parseManagerFlags(argv: readonly string[]): ManagerFlags {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new FlagError(`unexpected argument "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    let value = eq >= 0 ? arg.slice(eq + 1) : undefined;
    if (booleans.has(name)) {
      value ??= 'true';
      if (value !== 'true' && value !== 'false') throw new FlagError(`--${name} takes true or false, not "${value}"`);
    } else if (strings.has(name)) {
      if (value === undefined) {
        value = argv[i + 1];
        if (value === undefined) throw new FlagError(`--${name} needs a value`);
        i += 1;
      }
    } else {
      throw new FlagError(`unknown flag --${name}`);
    }
    values.set(name, value);
  }
  const logLevel = values.get('log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new FlagError(`--log-level must be debug, info, warn or error, not "${logLevel}"`);
  const namespace = values.get('namespace');
  return {
    kubeconfig: values.get('kubeconfig') || undefined,
    namespace: namespace === '' ? undefined : namespace,
    leaderElect: values.get('leader-elect') === 'true',
    leaderElectionNamespace: values.get('leader-election-namespace') || undefined,
    leaderElectionId: values.get('leader-election-id') || 'bramble-operator',
    metricsBindAddress: values.get('metrics-bind-address') ?? ':8080',
    healthProbeBindAddress: values.get('health-probe-bind-address') ?? ':8081',
    logLevel,
  };
}
