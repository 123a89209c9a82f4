// `bramble add-pi ADDRESS`: reads the Pi's host key over the network (nothing else is sent),
// prints its fingerprint and how to compare it on the Pi's own console, and prints — or, with
// --apply, creates — a PiNode pinned to that key. An existing PiNode is never overwritten.
import { stringify } from 'yaml';
import { ApiClient, ApiError } from '../controllers/api-client.ts';
import { loadKubeConfig } from '../controllers/kubeconfig.ts';
import { hostKeyFingerprint } from '../ssh/host-key.ts';
import { scanHostKey } from '../ssh/host-key-scan.ts';
import { UsageError, type FlagValues } from '../controllers/command-line.ts';
import type { Command } from './command.ts';

export const ADD_PI_USAGE = `Usage: bramble add-pi ADDRESS [--name NAME] [--user USER] [--port PORT] [--secret NAME] [--namespace NS] [--apply [--kubeconfig PATH]]
  Reads the SSH host key ADDRESS presents (only the key exchange; no login, nothing sent), prints
  its SHA256 fingerprint and how to check it on the Pi's console, then prints a PiNode pinned to
  that key (spec.ssh.hostKey), or creates it with --apply.
  --name NAME        the PiNode's name (default: the host name's first label, or pi-A-B-C-D)
  --user USER        user bramble logs in as; it needs passwordless sudo (default "pi")
  --port PORT        SSH port (default 22)
  --secret NAME      Secret of type kubernetes.io/ssh-auth with bramble's key (default bramble-ssh-key)
  --namespace NS     namespace of the PiNode (default: the kubeconfig's, else "default")
  --apply            create the PiNode in the cluster (--kubeconfig or KUBECONFIG); never overwrites
`;

export const ADD_PI_FLAGS = {
  name: { type: 'string' },
  user: { type: 'string' },
  port: { type: 'string' },
  secret: { type: 'string' },
  namespace: { type: 'string' },
  apply: { type: 'boolean' },
  kubeconfig: { type: 'string' },
} as const;

export interface AddPiOptions {
  address: string;
  name: string;
  user: string;
  port: number;
  secret: string;
  namespace?: string;
  apply: boolean;
  kubeconfig?: string;
}

/** A DNS-1123 name for an address: a host name's first label, or pi-10-0-0-10 for an IP. */
export function defaultName(address: string): string {
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(address) || address.includes(':');
  const raw = ip ? `pi-${address.replace(/[.:]+/g, '-')}` : address.split('.')[0]!;
  return raw
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

/** Pure: parsed flags and the positional ADDRESS to options. */
export function addPiOptions(values: FlagValues, positionals: string[]): AddPiOptions {
  const address = positionals[0];
  if (!address) throw new UsageError("add-pi needs the Pi's ADDRESS");
  const port = Number(values.port ?? 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`--port must be 1 to 65535, not "${String(values.port)}"`);
  const text = (k: string): string | undefined => (typeof values[k] === 'string' ? values[k] : undefined);
  return {
    address,
    name: text('name') ?? defaultName(address),
    user: text('user') ?? 'pi',
    port,
    secret: text('secret') ?? 'bramble-ssh-key',
    ...(text('namespace') ? { namespace: text('namespace') } : {}),
    apply: values.apply === true,
    ...(text('kubeconfig') ? { kubeconfig: text('kubeconfig') } : {}),
  };
}

/** The PiNode pinned to `hostKey`. */
export function piNodeFor(options: AddPiOptions, hostKey: string, namespace?: string): Record<string, unknown> {
  return {
    apiVersion: 'bramble.dev/v1alpha1',
    kind: 'PiNode',
    metadata: { name: options.name, ...(namespace ? { namespace } : {}) },
    spec: {
      address: options.address,
      port: options.port,
      ssh: { user: options.user, privateKeySecretRef: { name: options.secret }, hostKeyPolicy: 'Pinned', hostKey },
    },
  };
}

/** What to check on the Pi before trusting the key; goes to stderr so stdout stays applicable YAML. */
export function fingerprintAdvice(address: string, hostKey: string): string {
  return `${address} presents ${hostKey.split(' ')[0]} host key ${hostKeyFingerprint(hostKey)}
Before you trust it, compare it on the Pi's own console (screen and keyboard, not over the network):
  ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub
It must print the same ${hostKeyFingerprint(hostKey)}. If it does not, something else answers at ${address}.
`;
}

async function addPi(options: AddPiOptions): Promise<void> {
  const hostKey = await scanHostKey(options.address, { port: options.port });
  process.stderr.write(fingerprintAdvice(options.address, hostKey));
  if (!options.apply) {
    process.stdout.write(stringify(piNodeFor(options, hostKey, options.namespace)));
    process.stderr.write('Apply it with kubectl apply -f, or run again with --apply.\n');
    return;
  }
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  const namespace = options.namespace ?? kubeConfig.namespace ?? 'default';
  const api = new ApiClient(kubeConfig);
  try {
    await api.request('POST', `/apis/bramble.dev/v1alpha1/namespaces/${encodeURIComponent(namespace)}/pinodes`, {
      body: piNodeFor(options, hostKey, namespace),
      timeoutMs: 30_000,
    });
    process.stdout.write(`pinode.bramble.dev/${options.name} created in ${namespace}; watch it with bramble status --watch\n`);
  } catch (err) {
    if (err instanceof ApiError && err.statusCode === 409) {
      throw new Error(
        `PiNode ${namespace}/${options.name} already exists; not overwritten (compare its spec.ssh.hostKey with the key above)`,
      );
    }
    throw err;
  } finally {
    api.close();
  }
}

export const addPiCommand: Command = {
  summary: "read a Pi's host key, show its fingerprint, and print (or --apply) a PiNode pinned to it",
  usage: ADD_PI_USAGE,
  flags: ADD_PI_FLAGS,
  positionals: 1,
  run: ({ values, positionals }) => addPi(addPiOptions(values, positionals)),
};
