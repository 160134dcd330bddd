import type { FastifyServerOptions } from 'fastify';

/**
 * How long a client may take and how many may connect at once. Without them a body trickled a
 * byte at a time holds a connection (and its buffers) for ever, and enough of them exhaust the
 * process. Node stops a request that has not fully arrived within `requestTimeoutMs` (408), closes
 * a socket idle for `idleTimeoutMs`, and refuses connections past `maxConnections`.
 */
export interface ConnectionLimits {
  /** CLIENTELE_REQUEST_TIMEOUT_MS: the whole request, headers and body, must arrive within it. */
  requestTimeoutMs: number;
  /** CLIENTELE_IDLE_TIMEOUT_MS: a connection with nothing sent or received for this long is closed. */
  idleTimeoutMs: number;
  /** CLIENTELE_MAX_CONNECTIONS: open connections one process accepts; later ones are closed at once. */
  maxConnections: number;
}

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { requestTimeoutMs: 30_000, idleTimeoutMs: 60_000, maxConnections: 2048 };

/** Fastify's (and through it Node's) options for these limits; maxConnections is set on the server once it exists. */
export function connectionOptions(limits: ConnectionLimits): Partial<FastifyServerOptions> {
  return {
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    keepAliveTimeout: Math.min(72_000, limits.idleTimeoutMs),
    http: {
      // Headers are part of the request: never given longer than it.
      headersTimeout: Math.min(20_000, limits.requestTimeoutMs),
      // How often Node looks for requests past their time: a tenth of it, so none overstays by much.
      connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.requestTimeoutMs / 10))),
    },
  } as Partial<FastifyServerOptions>;
}
