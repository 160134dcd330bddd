import type { FastifyRequest, FastifyServerOptions } from 'fastify';

/** Never logged, wherever they appear. */
export const REDACTED_PATHS = ['req.headers.authorization', 'req.headers["x-signature"]', 'req.headers.cookie', 'headers.authorization'];

/**
 * A request as the log shows it: the route pattern (`/v1/customers/:id`), never the path it
 * matched, and the query's names without their values. Paths and queries carry e-mails, names
 * and search terms; the log is not the place for personal data.
 */
export function requestForLog(request: FastifyRequest): Record<string, unknown> {
  const raw = request.raw?.url ?? request.url ?? '';
  const at = raw.indexOf('?');
  const names = at < 0 ? [] : [...new URLSearchParams(raw.slice(at + 1)).keys()];
  const query = names.length === 0 ? '' : '?' + [...new Set(names)].map((name) => `${encodeURIComponent(name)}=…`).join('&');
  return {
    method: request.method,
    url: (request.routeOptions?.url ?? '<no route>') + query,
    host: request.host,
    remoteAddress: request.ip,
  };
}

/** The server's logger: JSON lines at `level`, secrets censored, requests as requestForLog shows them. */
export function loggerOptions(level: string, stream?: NodeJS.WritableStream): FastifyServerOptions['logger'] {
  return {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { req: (request) => requestForLog(request as unknown as FastifyRequest) },
    ...(stream ? { stream } : {}),
  };
}
