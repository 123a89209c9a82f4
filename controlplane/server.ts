// The embedded control plane: storage, watch hub and HTTP(S) server put together.
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { authenticate, loadOrCreateToken } from './auth.ts';
import {
  aggregatedDiscovery,
  AGGREGATED_CONTENT_TYPE,
  legacyCoreVersions,
  legacyGroup,
  legacyGroupList,
  resourceList,
  versionInfo,
  wantsAggregated,
} from './discovery.ts';
import { ApiError } from './errors.ts';
import { applyConnectionCap, closeIfUnread, DEFAULT_HTTP_LIMITS, serverOptions, type HttpLimits } from './http-limits.ts';
import { buildKubeconfig } from './kubeconfig.ts';
import { formatHostPort, isLoopback, parseListen } from './listen-address.ts';
import { Objects } from './objects.ts';
import { ensurePrivateDir, writePrivateFile } from './private-files.ts';
import { openApiGroupVersion, openApiIndex } from './openapi.ts';
import { encodeOpenApiV2, OPENAPI_V2_PROTOBUF, openApiV2, wantsV2Protobuf } from './openapi-v2.ts';
import { Registry } from './registry.ts';
import { parseRequestTarget, parseResourcePath, type RequestTarget } from './request-info.ts';
import { handleResource, verbOf, type HandlerDeps } from './resource-handler.ts';
import { sendError, sendJson } from './respond.ts';
import { loadSchemaValidator } from './schema-bridge.ts';
import { ObjectStore } from './store.ts';
import { issueServingCertificate } from './tls.ts';
import { WatchHub } from './watch-hub.ts';

export interface RequestLogEntry {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  code: number;
  user: string;
}

export interface ControlPlaneOptions {
  /** SQLite file + token + generated certs live here. */
  dataDir?: string;
  /** No files at all (tests). */
  inMemory?: boolean;
  /** "127.0.0.1:0" = random free port (default "127.0.0.1:6443"). */
  listen?: string;
  /** Write a kubeconfig here. */
  kubeconfigOut?: string;
  /** Every request, for RBAC proofs later. */
  requestLog?: (entry: RequestLogEntry) => void;
  /** Events retained for watch resume before 410. */
  watchCacheSize?: number;
  /**
   * HTTPS with a generated CA (default true). kubectl sends no bearer token over plain HTTP,
   * so plain HTTP (false) is for raw-HTTP tests only, and refused off loopback.
   */
  tls?: boolean;
  /** How often watches that asked for bookmarks get one (default 30 s). */
  bookmarkIntervalMs?: number;
  /** Deadlines and the connection cap (defaults: DEFAULT_HTTP_LIMITS). */
  limits?: Partial<HttpLimits>;
}

export interface ControlPlane {
  url: string;
  token: string;
  caCertPem?: string;
  /** Kubeconfig YAML text for this server. */
  kubeconfig(): string;
  /** Close listeners and watches, flush, close the DB. */
  stop(): Promise<void>;
}

const DEFAULT_WATCH_CACHE = 10_000;

function routeNonResource(req: IncomingMessage, res: ServerResponse, path: string, registry: Registry): boolean {
  const accept = req.headers.accept;
  if (path === '/version') return (sendJson(res, 200, versionInfo()), true);
  if (path === '/healthz' || path === '/livez' || path === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('ok');
    return true;
  }
  if (path === '/api' || path === '/apis') {
    if (wantsAggregated(accept)) sendJson(res, 200, aggregatedDiscovery(registry, path === '/api'), AGGREGATED_CONTENT_TYPE);
    else sendJson(res, 200, path === '/api' ? legacyCoreVersions() : legacyGroupList(registry));
    return true;
  }
  if (path === '/openapi/v3') return (sendJson(res, 200, openApiIndex(registry)), true);
  if (path === '/openapi/v2') {
    const doc = openApiV2(registry);
    if (!wantsV2Protobuf(accept)) return (sendJson(res, 200, doc), true);
    const body = encodeOpenApiV2(doc);
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_PROTOBUF, 'Content-Length': body.length, 'Cache-Control': 'no-cache, private' });
    res.end(body);
    return true;
  }
  let m = /^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (m) {
    const doc = openApiGroupVersion(registry, m[2] ?? '', m[1] ?? m[3]!);
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return (sendJson(res, 200, doc), true);
  }
  m = /^\/api\/(v1)$|^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (m) {
    const doc = resourceList(registry, m[2] ?? '', m[1] ?? m[3]!);
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return (sendJson(res, 200, doc), true);
  }
  m = /^\/apis\/([^/]+)$/.exec(path);
  if (m) {
    const doc = legacyGroup(registry, m[1]!);
    if (!doc) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    return (sendJson(res, 200, doc), true);
  }
  return false;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const inMemory = options.inMemory === true;
  const dataDir = inMemory ? undefined : options.dataDir;
  if (!inMemory && !dataDir) throw new Error('startControlPlane: dataDir is required unless inMemory is set');
  if (dataDir) ensurePrivateDir(dataDir);
  const listen = parseListen(options.listen ?? '127.0.0.1:6443');
  const useTls = options.tls !== false;
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.limits };
  if (!useTls && !isLoopback(listen.host)) {
    throw new Error(`refusing to serve plain HTTP on non-loopback address ${listen.host}: TLS is required there`);
  }

  const store = new ObjectStore(dataDir ? join(dataDir, 'state.db') : undefined);
  const hub = new WatchHub(options.watchCacheSize ?? DEFAULT_WATCH_CACHE, store.currentResourceVersion());
  const registry = new Registry();
  const validator = await loadSchemaValidator();
  const now = () => new Date();
  const objects = new Objects({ store, hub, registry, validator, now });
  objects.loadCrds();
  objects.ensureDefaultNamespaces();
  const token = loadOrCreateToken(dataDir);
  const openWatches = new Set<() => void>();
  const deps: HandlerDeps = {
    registry,
    objects,
    now,
    hub,
    store,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 30_000,
    track: (end) => {
      openWatches.add(end);
      return () => openWatches.delete(end);
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let target: RequestTarget | undefined;
    let malformed: unknown;
    try {
      target = parseRequestTarget(req.url ?? '/');
    } catch (err) {
      malformed = err;
    }
    const query = target?.query ?? new URLSearchParams();
    const resource = target ? parseResourcePath(target.path) : undefined;
    const log = (code: number, user: string) => {
      if (!options.requestLog) return;
      const entry: RequestLogEntry = {
        verb: resource ? verbOf(req.method ?? 'GET', resource, query) : (req.method ?? 'GET').toLowerCase(),
        group: resource?.group ?? '',
        version: resource?.version ?? '',
        resource: resource?.resource ?? '',
        code,
        user,
      };
      if (resource?.subresource) entry.subresource = resource.subresource;
      if (resource?.namespace !== undefined) entry.namespace = resource.namespace;
      if (resource?.name !== undefined) entry.name = resource.name;
      options.requestLog(entry);
    };
    const fail = (err: unknown): number => {
      closeIfUnread(req, res);
      return sendError(res, err);
    };
    if (!target) {
      log(fail(malformed), 'system:anonymous');
      return;
    }
    const user = authenticate(req.headers.authorization, token);
    if (!user) {
      log(fail(new ApiError(401, 'Unauthorized', 'Unauthorized')), 'system:anonymous');
      return;
    }
    let code = 200;
    try {
      if (resource) code = await handleResource(req, res, resource, query, deps, user);
      else if ((req.method === 'GET' || req.method === 'HEAD') && routeNonResource(req, res, target.path, registry)) code = 200;
      else throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    } catch (err) {
      code = fail(err);
    }
    log(code, user);
  };

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  };
  let caCertPem: string | undefined;
  let server: Server;
  if (useTls) {
    const cert = issueServingCertificate(dataDir, listen.host);
    caCertPem = cert.caCertPem;
    server = createHttpsServer({ ...serverOptions(limits), cert: cert.certPem, key: cert.keyPem }, onRequest);
  } else {
    server = createHttpServer(serverOptions(limits), onRequest);
  }
  applyConnectionCap(server, limits);
  // Every TCP connection, so stop() can end them all: closeAllConnections() knows only the ones
  // that became HTTP connections, and a client reconnecting while we stop (its TLS handshake
  // not finished) would otherwise hold server.close() open for ever.
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen.port, listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${useTls ? 'https' : 'http'}://${formatHostPort(listen.host, port)}`;
  const kubeconfig = () => buildKubeconfig(url, token, caCertPem);
  if (options.kubeconfigOut) writePrivateFile(options.kubeconfigOut, kubeconfig());

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      for (const end of [...openWatches]) end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
      });
      store.close();
    })();
    return stopped;
  };
  return { url, token, ...(caCertPem ? { caCertPem } : {}), kubeconfig, stop };
}
