// A kubeconfig user's exec credential plugin (client.authentication.k8s.io v1 and v1beta1), as
// cloud clusters use (aws eks get-token, gke-gcloud-auth-plugin, kubelogin): runs the command,
// reads the ExecCredential it prints, and reuses it until it expires.
import { execFile } from 'node:child_process';

export interface ExecConfig {
  apiVersion?: string;
  command: string;
  args?: string[] | null;
  env?: { name: string; value: string }[] | null;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface ExecCredential {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
}

const apiVersions = ['client.authentication.k8s.io/v1', 'client.authentication.k8s.io/v1beta1'];
// client-go reuses a credential without an expiry until a request gets 401; this client does not
// retry on 401, so such a credential is fetched again after a while instead.
const noExpiryReuseMs = 5 * 60_000;
// Renew a little before the plugin's expiry so no request goes out with a token about to lapse.
const renewBeforeMs = 10_000;
const pluginTimeoutMs = 120_000;

export type RunPlugin = (command: string, args: string[], env: NodeJS.ProcessEnv) => Promise<string>;

const runPlugin: RunPlugin = (command, args, env) =>
  new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: pluginTimeoutMs, maxBuffer: 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`exec credential plugin ${command} failed: ${err.message}${stderr ? `\n${stderr.trim()}` : ''}`));
      else resolve(stdout);
    });
  });

/** Pure: the credential in a plugin's stdout, and until when it may be used (epoch ms). */
export function parseExecCredential(stdout: string, apiVersion: string, now: number): { credential: ExecCredential; until: number } {
  let doc: {
    apiVersion?: string;
    kind?: string;
    status?: { token?: string; clientCertificateData?: string; clientKeyData?: string; expirationTimestamp?: string };
  };
  try {
    doc = JSON.parse(stdout) as typeof doc;
  } catch {
    throw new Error('exec credential plugin printed no JSON');
  }
  if (doc.kind !== 'ExecCredential') throw new Error(`exec credential plugin printed kind ${doc.kind ?? '(none)'}, not ExecCredential`);
  if (doc.apiVersion !== apiVersion)
    throw new Error(`exec credential plugin answered ${doc.apiVersion ?? '(no apiVersion)'}, asked for ${apiVersion}`);
  const s = doc.status ?? {};
  if (!s.token && !(s.clientCertificateData && s.clientKeyData))
    throw new Error('exec credential plugin returned neither a token nor a client certificate and key');
  const credential: ExecCredential = {
    ...(s.token ? { token: s.token } : {}),
    ...(s.clientCertificateData && s.clientKeyData
      ? { cert: Buffer.from(s.clientCertificateData), key: Buffer.from(s.clientKeyData) }
      : {}),
  };
  const expires = s.expirationTimestamp ? Date.parse(s.expirationTimestamp) : Number.NaN;
  return { credential, until: Number.isNaN(expires) ? now + noExpiryReuseMs : expires - renewBeforeMs };
}

/** A function that returns the plugin's current credential, running the plugin only when needed. */
export function execCredentialSource(
  config: ExecConfig,
  server: string,
  deps: { run?: RunPlugin; now?: () => number; env?: NodeJS.ProcessEnv } = {},
): () => Promise<ExecCredential> {
  const { run = runPlugin, now = Date.now, env = process.env } = deps;
  const apiVersion = config.apiVersion ?? '';
  if (!apiVersions.includes(apiVersion))
    throw new Error(`exec credential plugin apiVersion ${apiVersion || '(none)'} is not supported (${apiVersions.join(', ')})`);
  if (!config.command) throw new Error('exec credential plugin has no command');
  // The operator has no terminal to prompt on.
  if (config.interactiveMode === 'Always')
    throw new Error('exec credential plugin needs an interactive terminal (interactiveMode: Always)');
  let cached: { credential: ExecCredential; until: number } | undefined;
  let running: Promise<ExecCredential> | undefined;
  return async () => {
    if (cached && cached.until > now()) return cached.credential;
    running ??= (async () => {
      try {
        const info = {
          apiVersion,
          kind: 'ExecCredential',
          spec: { interactive: false, ...(config.provideClusterInfo ? { cluster: { server } } : {}) },
        };
        const pluginEnv: NodeJS.ProcessEnv = { ...env, KUBERNETES_EXEC_INFO: JSON.stringify(info) };
        for (const e of config.env ?? []) pluginEnv[e.name] = e.value;
        cached = parseExecCredential(await run(config.command, config.args ?? [], pluginEnv), apiVersion, now());
        return cached.credential;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
}
