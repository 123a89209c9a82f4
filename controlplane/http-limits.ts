// How the HTTP server defends itself against clients that hold sockets: a deadline for the
// request headers and one for the whole request (a watch's request has no body and arrives at
// once, so its long response is exempt), a TLS handshake deadline, a cap on open connections,
// and the socket closed after an answer sent before the request body was read (401, 400, 413).
import type { ServerOptions as HttpServerOptions, ServerResponse } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';

export interface HttpLimits {
  /** The request line and headers must arrive within this (kube-apiserver: ReadHeaderTimeout 32 s). */
  headersTimeoutMs: number;
  /** The whole request, body included, must arrive within this (kube-apiserver: --request-timeout 60 s). */
  requestTimeoutMs: number;
  /** A TLS handshake must finish within this. */
  handshakeTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this many are closed as they are accepted (watches hold one each). */
  maxConnections: number;
  /** How often deadlines are checked (Node's default, 30 s, would let a slow client overstay). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  headersTimeoutMs: 32_000,
  requestTimeoutMs: 60_000,
  handshakeTimeoutMs: 10_000,
  keepAliveTimeoutMs: 60_000,
  maxConnections: 1024,
  checkIntervalMs: 1_000,
};

/** Options for http(s).createServer. */
export function serverOptions(limits: HttpLimits): HttpServerOptions & { handshakeTimeout: number } {
  return {
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: limits.checkIntervalMs,
    handshakeTimeout: limits.handshakeTimeoutMs,
  };
}

export function applyConnectionCap(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.maxConnections;
}

/**
 * An answer sent before the request was fully received (refused, unauthenticated, too large)
 * ends the connection: whatever the client still trickles is not waited for.
 */
export function closeIfUnread(req: IncomingMessage, res: ServerResponse): void {
  if (!req.complete && !res.headersSent) res.setHeader('Connection', 'close');
}
