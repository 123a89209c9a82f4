// Finds the cluster to talk to the way kubectl does: --kubeconfig, else the $KUBECONFIG list,
// else ~/.kube/config, else the in-cluster service account. bramble's own loader rather than
// @kubernetes/client-node's: that package brings its whole generated API model set into the
// operator's memory (about 70 MB of RSS) for the few fields read here.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join } from 'node:path';
import { parse } from 'yaml';
import { execCredentialSource, type ExecConfig } from './exec-credential.ts';

/** What a connection to the API server needs now; asked for again when credentials may have rotated. */
export interface Credentials {
  /** PEM; absent means the system's CAs. */
  ca?: Buffer;
  insecureSkipTlsVerify: boolean;
  /** TLS server name to check instead of the server URL's host. */
  serverName?: string;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  username?: string;
  password?: string;
  /** The kubeconfig user's `as`, `as-uid`, `as-groups`, `as-user-extra`: sent as Impersonate-* headers. */
  impersonate?: Impersonation;
}

export interface Impersonation {
  user: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
}

export interface KubeConfig {
  /** The API server URL. */
  server: string;
  /** The current context's namespace, or the service account's in cluster. */
  namespace?: string;
  /** Re-reads token files and runs exec plugins as needed (bound tokens rotate). */
  credentials(): Promise<Credentials>;
}

export const inClusterDir = '/var/run/secrets/kubernetes.io/serviceaccount';

interface Named<T> {
  name: string;
  value: T;
}

interface ClusterEntry {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
}

interface UserEntry {
  token?: string;
  tokenFile?: string;
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  username?: string;
  password?: string;
  exec?: ExecConfig;
  'auth-provider'?: { name?: string };
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
}

interface ContextEntry {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** One kubeconfig file's maps, with relative paths made absolute against the file's folder. */
interface ParsedFile {
  currentContext?: string;
  clusters: Named<ClusterEntry>[];
  users: Named<UserEntry>[];
  contexts: Named<ContextEntry>[];
}

function entries<T>(list: unknown, field: string): Named<T>[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Error(`kubeconfig: ${field}s is not a list`);
  return (list as Record<string, unknown>[]).map((e) => {
    if (typeof e?.name !== 'string') throw new Error(`kubeconfig: a ${field} has no name`);
    return { name: e.name, value: (e[field] ?? {}) as T };
  });
}

const absolute = (path: string | undefined, dir: string | undefined): string | undefined =>
  path === undefined || path === '' || isAbsolute(path) || dir === undefined ? path : join(dir, path);

/** Parses one kubeconfig text. `dir` is its file's folder: relative paths in it are relative to that. */
export function parseKubeConfigFile(text: string, dir?: string): ParsedFile {
  const doc = (parse(text) ?? {}) as Record<string, unknown>;
  const clusters = entries<ClusterEntry>(doc.clusters, 'cluster').map((c) => ({
    ...c,
    value: { ...c.value, 'certificate-authority': absolute(c.value['certificate-authority'], dir) },
  }));
  const users = entries<UserEntry>(doc.users, 'user').map((u) => {
    const v = u.value;
    // An exec command with a slash is a path, relative to the kubeconfig; a bare name is looked up on PATH.
    const command = v.exec?.command;
    const exec = v.exec && command?.includes('/') ? { ...v.exec, command: absolute(command, dir) as string } : v.exec;
    return {
      ...u,
      value: {
        ...v,
        tokenFile: absolute(v.tokenFile, dir),
        'client-certificate': absolute(v['client-certificate'], dir),
        'client-key': absolute(v['client-key'], dir),
        ...(exec ? { exec } : {}),
      },
    };
  });
  const current = doc['current-context'];
  return {
    ...(typeof current === 'string' && current !== '' ? { currentContext: current } : {}),
    clusters,
    users,
    contexts: entries<ContextEntry>(doc.contexts, 'context'),
  };
}

/** kubectl's merge of a $KUBECONFIG list: the first file to set a name (or current-context) wins. */
export function mergeKubeConfigFiles(files: ParsedFile[]): ParsedFile {
  const firstByName = <T>(lists: Named<T>[][]): Named<T>[] => {
    const seen = new Map<string, Named<T>>();
    for (const list of lists) for (const e of list) if (!seen.has(e.name)) seen.set(e.name, e);
    return [...seen.values()];
  };
  const currentContext = files.find((f) => f.currentContext)?.currentContext;
  return {
    ...(currentContext ? { currentContext } : {}),
    clusters: firstByName(files.map((f) => f.clusters)),
    users: firstByName(files.map((f) => f.users)),
    contexts: firstByName(files.map((f) => f.contexts)),
  };
}

const fromBase64 = (data: string | undefined): Buffer | undefined => (data ? Buffer.from(data, 'base64') : undefined);
const readIf = (path: string | undefined): Buffer | undefined => (path ? readFileSync(path) : undefined);

/** The current context of a parsed (or merged) kubeconfig, as a KubeConfig. */
export function resolveKubeConfig(file: ParsedFile, source: string): KubeConfig {
  if (!file.currentContext) throw new Error(`${source}: no current-context`);
  const context = file.contexts.find((c) => c.name === file.currentContext)?.value;
  if (!context) throw new Error(`${source}: context "${file.currentContext}" not found`);
  const cluster = file.clusters.find((c) => c.name === context.cluster)?.value;
  if (!cluster?.server) throw new Error(`${source}: cluster "${context.cluster ?? ''}" of context "${file.currentContext}" has no server`);
  // A user may be absent (a server that needs no credentials), as kubectl allows.
  const user = file.users.find((u) => u.name === context.user)?.value ?? {};
  if (cluster['proxy-url']) throw new Error(`${source}: proxy-url is not supported`);
  if (user['auth-provider'])
    throw new Error(`${source}: auth-provider "${user['auth-provider'].name ?? ''}" is not supported; use an exec credential plugin`);
  const exec = user.exec ? execCredentialSource(user.exec, cluster.server) : undefined;
  const impersonate = impersonation(user, source);
  const server = cluster.server;
  return {
    server,
    ...(context.namespace ? { namespace: context.namespace } : {}),
    async credentials() {
      const creds: Credentials = {
        insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
        ...optional('serverName', cluster['tls-server-name']),
        ...optional('ca', fromBase64(cluster['certificate-authority-data']) ?? readIf(cluster['certificate-authority'])),
        ...optional('cert', fromBase64(user['client-certificate-data']) ?? readIf(user['client-certificate'])),
        ...optional('key', fromBase64(user['client-key-data']) ?? readIf(user['client-key'])),
        // client-go: a token file, re-read, takes precedence over an inline token.
        ...optional('token', user.tokenFile ? readFileSync(user.tokenFile, 'utf8').trim() : user.token),
        ...optional('username', user.username),
        ...optional('password', user.password),
        ...optional('impersonate', impersonate),
      };
      if (!exec) return creds;
      const fromPlugin = await exec();
      // The plugin's token and client certificate replace the kubeconfig's.
      return { ...creds, ...fromPlugin };
    },
  };
}

/** kubectl's rules: groups, uid or extras need a user to impersonate. */
function impersonation(user: UserEntry, source: string): Impersonation | undefined {
  const groups = user['as-groups'] ?? [];
  const extra = user['as-user-extra'] ?? {};
  const uid = user['as-uid'];
  if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string')) throw new Error(`${source}: as-groups is not a list of names`);
  if (!user.as) {
    if (groups.length > 0 || uid || Object.keys(extra).length > 0) {
      throw new Error(`${source}: as-groups, as-uid or as-user-extra without "as" (the user to impersonate)`);
    }
    return undefined;
  }
  return { user: user.as, ...(uid ? { uid } : {}), groups, extra };
}

function optional<K extends keyof Credentials>(key: K, value: Credentials[K] | undefined | ''): Partial<Credentials> {
  return value === undefined || value === '' ? {} : ({ [key]: value } as Partial<Credentials>);
}

export function kubeConfigFromString(text: string, dir?: string): KubeConfig {
  return resolveKubeConfig(parseKubeConfigFile(text, dir), 'kubeconfig');
}

/** The in-cluster service account: token re-read on every credentials() call, as bound tokens rotate. */
export function inClusterKubeConfig(env: NodeJS.ProcessEnv, dir = inClusterDir): KubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) throw new Error('not in a cluster: KUBERNETES_SERVICE_HOST/PORT are not set');
  const namespaceFile = join(dir, 'namespace');
  const namespace = existsSync(namespaceFile) ? readFileSync(namespaceFile, 'utf8').trim() : undefined;
  return {
    server: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    ...(namespace ? { namespace } : {}),
    async credentials() {
      return {
        ca: readFileSync(join(dir, 'ca.crt')),
        insecureSkipTlsVerify: false,
        token: readFileSync(join(dir, 'token'), 'utf8').trim(),
      };
    },
  };
}

export interface Environment {
  env: NodeJS.ProcessEnv;
  home: string;
  inClusterDir: string;
}

const defaultEnvironment = (): Environment => ({ env: process.env, home: homedir(), inClusterDir });

function loadFiles(paths: string[], source: string): KubeConfig {
  const parsed = paths.map((p) => parseKubeConfigFile(readFileSync(p, 'utf8'), dirname(p)));
  return resolveKubeConfig(mergeKubeConfigFiles(parsed), source);
}

/** The kubeconfig `path` names, else the one kubectl would use; throws when there is none. */
export function loadKubeConfig(path?: string, environment: Environment = defaultEnvironment()): KubeConfig {
  if (path) return loadFiles([path], path);
  const { env, home } = environment;
  if (env.KUBECONFIG) {
    // Missing files in the list are skipped, as kubectl does.
    const list = env.KUBECONFIG.split(delimiter).filter((p) => p !== '' && existsSync(p));
    if (list.length > 0) return loadFiles(list, `KUBECONFIG=${env.KUBECONFIG}`);
  }
  const own = join(home, '.kube', 'config');
  if (existsSync(own)) return loadFiles([own], own);
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(environment.inClusterDir, 'token')))
    return inClusterKubeConfig(env, environment.inClusterDir);
  throw new Error('no cluster configured (no --kubeconfig, $KUBECONFIG, ~/.kube/config or in-cluster account)');
}
