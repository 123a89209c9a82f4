// The one HTTP path to the API server. Server, CA and credentials come from bramble's KubeConfig
// (kubeconfig files, in-cluster service account, exec plugins), so the same code talks to k3s
// and to the embedded control plane. Plain node:http keeps control of what the runtime needs
// and generated clients hide: explicit patch content types, streaming watches that can be
// aborted, and per-request timeouts.
import http from 'node:http';
import https from 'node:https';
import { createInterface } from 'node:readline';
import type { Credentials, KubeConfig } from './kubeconfig.ts';

export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
}

interface Connection {
  server: URL;
  agent: http.Agent;
  headers: http.OutgoingHttpHeaders;
  auth?: string;
  expires: number;
}

// Exec-plugin and service-account tokens rotate; re-read credentials this often.
const credentialTtlMs = 60_000;

export class ApiClient {
  private conn: Connection | undefined;

  constructor(private readonly kubeConfig: KubeConfig) {}

  get server(): string {
    return this.kubeConfig.server;
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) throw toApiError(status, text);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /**
   * Streams a watch: calls onEvent per line until the server closes the stream (resolves) or the
   * request fails (rejects with ApiError). Abort `signal` to stop; it then resolves.
   */
  async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    onEvent: (event: { type: string; object: unknown }) => void,
    signal: AbortSignal,
  ): Promise<void> {
    let res: http.IncomingMessage;
    try {
      res = await this.send('GET', path, { query: { ...query, watch: true }, signal });
    } catch (err) {
      if (signal.aborted) return;
      throw err;
    }
    const status = res.statusCode ?? 0;
    if (status !== 200) throw toApiError(status, await readBody(res));
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      let finished = false;
      const finish = (err?: unknown): void => {
        if (finished) return;
        finished = true;
        signal.removeEventListener('abort', onAbort);
        lines.close();
        res.destroy();
        if (err && !signal.aborted) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      };
      const onAbort = (): void => finish();
      signal.addEventListener('abort', onAbort, { once: true });
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        let parsed: { type: string; object: unknown };
        try {
          parsed = JSON.parse(line) as { type: string; object: unknown };
        } catch {
          return finish(new Error('watch stream sent a line that is not JSON'));
        }
        onEvent(parsed);
      });
      // `on`, not `once`: a socket torn down mid-stream can emit more than one error.
      res.on('error', (err) => finish(err));
      // readline re-emits its input's errors on itself; unhandled, they would crash the process.
      lines.on('error', (err) => finish(err));
      res.once('end', () => finish());
      res.once('close', () => finish());
    });
  }

  close(): void {
    this.conn?.agent.destroy();
    this.conn = undefined;
  }

  private async connection(): Promise<Connection> {
    if (this.conn && this.conn.expires > Date.now()) return this.conn;
    const creds = await this.kubeConfig.credentials();
    const server = new URL(this.server);
    const tls = server.protocol === 'https:';
    const previous = this.conn;
    this.conn = {
      server,
      agent: tls ? new https.Agent(agentOptions(creds)) : new http.Agent({ keepAlive: true }),
      headers: { ...(creds.token ? { Authorization: `Bearer ${creds.token}` } : {}), ...impersonationHeaders(creds.impersonate) },
      // Basic auth only where no token is given, as kubectl does.
      auth: !creds.token && creds.username ? `${creds.username}:${creds.password ?? ''}` : undefined,
      expires: Date.now() + credentialTtlMs,
    };
    // Let in-flight requests (long watches) finish on the old agent; it only holds idle sockets.
    if (previous) setTimeout(() => previous.agent.destroy(), 10 * 60_000).unref();
    return this.conn;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    const conn = await this.connection();
    const url = new URL(conn.server.pathname.replace(/\/$/, '') + path, conn.server);
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v !== undefined) url.searchParams.set(k, String(v));
    }
    const headers: http.OutgoingHttpHeaders = { ...conn.headers, Accept: 'application/json' };
    let payload: Buffer | undefined;
    if (options.body !== undefined) {
      payload = Buffer.from(JSON.stringify(options.body));
      headers['Content-Type'] = options.contentType ?? 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: conn.agent, auth: conn.auth, signal: options.signal }, resolve);
      // Errors after the response arrived (a reset mid-body) surface on the response; keep
      // listening here so none of them is unhandled.
      req.on('error', reject);
      if (options.timeoutMs !== undefined) {
        req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`${method} ${path} timed out`)));
      }
      req.end(payload);
    });
  }
}

/** Kubernetes' user impersonation headers (what kubectl sends for a kubeconfig's `as`, `as-groups`, …). */
export function impersonationHeaders(who: Credentials['impersonate']): http.OutgoingHttpHeaders {
  if (!who) return {};
  const headers: http.OutgoingHttpHeaders = { 'Impersonate-User': who.user };
  if (who.uid) headers['Impersonate-Uid'] = who.uid;
  if (who.groups.length > 0) headers['Impersonate-Group'] = who.groups;
  // Extra keys travel percent-encoded in the header name, as client-go does.
  for (const [key, values] of Object.entries(who.extra)) headers[`Impersonate-Extra-${encodeURIComponent(key)}`] = values;
  return headers;
}

// The TLS side of the credentials; plain HTTP (loopback test servers, as kubectl allows) uses
// only the token or basic auth.
function agentOptions(creds: Credentials): https.AgentOptions {
  return {
    keepAlive: true,
    ...(creds.ca ? { ca: creds.ca } : {}),
    ...(creds.cert ? { cert: creds.cert } : {}),
    ...(creds.key ? { key: creds.key } : {}),
    ...(creds.serverName ? { servername: creds.serverName } : {}),
    ...(creds.insecureSkipTlsVerify ? { rejectUnauthorized: false } : {}),
  };
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function toApiError(status: number, text: string): ApiError {
  try {
    const body = JSON.parse(text) as { message?: string; reason?: string };
    return new ApiError(status, body.message ?? `HTTP ${status}`, body.reason);
  } catch {
    return new ApiError(status, text.trim() || `HTTP ${status}`);
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.statusCode === 404;
}

export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.statusCode === 409;
}
